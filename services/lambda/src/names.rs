//! Function names as Lambda accepts them — `name`, `name:qualifier`,
//! `123456789012:function:name[:qualifier]`, or the full ARN — and the ARNs
//! it answers with.

use crate::errors;
use simfra_model::{RequestContext, ServiceError};

/// A function reference, resolved against the caller's account and region.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRef {
    pub account: String,
    pub region: String,
    pub name: String,
    pub qualifier: Option<String>,
}

impl FunctionRef {
    /// The unqualified ARN.
    pub fn arn(&self) -> String {
        function_arn(&self.region, &self.account, &self.name)
    }
    /// The ARN with the qualifier, if any.
    pub fn qualified_arn(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{}:{q}", self.arn()),
            None => self.arn(),
        }
    }
}

pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

pub fn layer_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:layer:{name}")
}

/// Parses `FunctionName` (and an explicit `Qualifier`, which must agree with one in the name).
pub fn parse(ctx: &RequestContext, function_name: &str, qualifier: Option<&str>) -> Result<FunctionRef, ServiceError> {
    let bad = || {
        errors::validation(
            function_name,
            "functionName",
            "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
        )
    };
    let parts: Vec<&str> = function_name.split(':').collect();
    let (account, region, name, in_name) = if function_name.starts_with("arn:") {
        // arn:aws:lambda:region:account:function:name[:qualifier]
        if !(7..=8).contains(&parts.len()) || parts[2] != "lambda" || parts[5] != "function" {
            return Err(bad());
        }
        (parts[4].to_string(), parts[3].to_string(), parts[6], parts.get(7).copied())
    } else {
        match parts.as_slice() {
            [name] => (ctx.account_id.clone(), ctx.region.clone(), *name, None),
            [name, q] => (ctx.account_id.clone(), ctx.region.clone(), *name, Some(*q)),
            [account, "function", name] => (account.to_string(), ctx.region.clone(), *name, None),
            [account, "function", name, q] => (account.to_string(), ctx.region.clone(), *name, Some(*q)),
            _ => return Err(bad()),
        }
    };
    let name_ok = !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let qualifier = match (in_name, qualifier) {
        (Some(a), Some(b)) if a != b => {
            return Err(errors::invalid("The derived qualifier from the function name does not match the specified qualifier."));
        }
        (Some(q), _) | (None, Some(q)) => Some(q.to_string()),
        (None, None) => None,
    };
    if let Some(q) = &qualifier {
        let ok = q == "$LATEST" || (!q.is_empty() && q.len() <= 128 && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        if !ok {
            return Err(errors::validation(q, "qualifier", "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)"));
        }
    }
    if !ctx.may_reach(&account) {
        return Err(errors::function_not_found(&FunctionRef { account, region, name: name.to_string(), qualifier }.qualified_arn()));
    }
    Ok(FunctionRef { account, region, name: name.to_string(), qualifier })
}

/// `2024-05-01T12:00:00.000+0000`, the way Lambda writes `LastModified`.
pub fn timestamp(t: simfra_model::Timestamp) -> String {
    let ms = t.as_millis();
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(ms.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}+0000", ms.rem_euclid(1000))
}

pub fn now() -> String {
    timestamp(simfra_model::Timestamp::now())
}

/// Whether a qualifier names a version (`$LATEST` or a number) rather than an alias.
pub fn is_version(q: &str) -> bool {
    q == "$LATEST" || (!q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestContext {
        RequestContext {
            request_id: "r".into(),
            account_id: "111122223333".into(),
            region: "eu-west-1".into(),
            service: "lambda",
            operation: "GetFunction",
            protocol: simfra_model::Protocol::RestJson1,
            host: "localhost".into(),
            access_key_id: None,
            principal_arn: None,
            headers: std::sync::Arc::new(Vec::new()),
            authorized_accounts: Vec::new(),
            answer_status: Default::default(),
        }
    }

    #[test]
    fn every_form_of_a_function_name() {
        let c = ctx();
        let f = parse(&c, "fn", None).unwrap();
        assert_eq!(f.arn(), "arn:aws:lambda:eu-west-1:111122223333:function:fn");
        assert_eq!(parse(&c, "fn:live", None).unwrap().qualifier.as_deref(), Some("live"));
        assert_eq!(parse(&c, "111122223333:function:fn:3", None).unwrap().qualified_arn(), "arn:aws:lambda:eu-west-1:111122223333:function:fn:3");
        let full = parse(&c, "arn:aws:lambda:us-east-1:111122223333:function:fn", Some("$LATEST")).unwrap();
        assert_eq!((full.region.as_str(), full.qualifier.as_deref()), ("us-east-1", Some("$LATEST")));
        // A qualifier in the name must agree with the parameter.
        assert_eq!(parse(&c, "fn:1", Some("2")).unwrap_err().code, "InvalidParameterValueException");
        assert_eq!(parse(&c, "a:b:c:d:e", None).unwrap_err().code, "ValidationException");
        // Another account's function is not found unless IAM let the request reach it.
        assert_eq!(parse(&c, "999999999999:function:fn", None).unwrap_err().code, "ResourceNotFoundException");
        assert!(is_version("$LATEST") && is_version("12") && !is_version("live"));
    }

    #[test]
    fn timestamps_as_lambda_writes_them() {
        assert_eq!(timestamp(simfra_model::Timestamp::from_millis(1_700_000_000_123)), "2023-11-14T22:13:20.123+0000");
    }
}
