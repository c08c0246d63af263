//! AWS Lambda. (Functions that run in containers are issue 9's work; until
//! then no function can be created, so the list is truthfully empty.)

use simfra_gen_lambda::types::*;
use simfra_gen_lambda::*;
use simfra_model::{RequestContext, SharedHandler};
use std::sync::Arc;

#[derive(Default)]
pub struct Lambda;

pub fn handler() -> SharedHandler {
    simfra_gen_lambda::handler(Arc::new(Lambda))
}

#[simfra_model::async_trait]
impl LambdaApi for Lambda {
    fn implemented(&self) -> &'static [&'static str] {
        &["ListFunctions"]
    }

    async fn list_functions(
        &self,
        _ctx: &RequestContext,
        _input: ListFunctionsRequest,
    ) -> Result<ListFunctionsResponse, ListFunctionsError> {
        Ok(ListFunctionsResponse { functions: Some(Vec::new()), next_marker: None })
    }
}
