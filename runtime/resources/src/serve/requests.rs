//! Request statuses: some writes answer the status of the request they made
//! (IAM Identity Center's `{ AccountAssignmentCreationStatus: { RequestId,
//! Status, … } }`) and clients poll it by `RequestId`
//! (`DescribeAccountAssignmentCreationStatus`) until it succeeds. The
//! engine's writes take effect at once, so the status says `SUCCEEDED`; it is
//! recorded as a record of its own, with the request's fields, for those reads.

use super::*;

pub(super) fn record_request_statuses(call: &Call, answer: &mut Value, request: &Node) {
    let schema = call.schema;
    let out = schema.shape(call.op.output);
    for (i, m) in out.members.iter().enumerate() {
        let Some(ty) = call.catalog.types.iter().position(|t| t.request_status && t.noun == m.name) else { continue };
        let shape = schema.shape(m.target);
        let request_id = crate::ids::identifier("req", Some("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), (None, None));
        let now = now();
        let mut status = answer.field(i).cloned().unwrap_or_else(Value::empty_struct);
        let set = |status: &mut Value, name: &str, v: Value| {
            if let Some(k) = shape.member_index(name) {
                status.set_field(k, v);
            }
        };
        set(&mut status, "RequestId", Value::String(request_id.clone()));
        let succeeded = shape
            .member("Status")
            .map(|s| schema.shape(s.target))
            .and_then(|s| s.enum_values.iter().find(|v| v.eq_ignore_ascii_case("SUCCEEDED")).copied())
            .unwrap_or("SUCCEEDED");
        set(&mut status, "Status", Value::String(succeeded.to_string()));
        set(&mut status, "CreatedDate", Value::Timestamp(now));
        // The request's own fields fill what the status repeats (`TargetId`, `PermissionSetArn` …).
        for (k, member) in shape.members.iter().enumerate() {
            if status.field(k).is_none() {
                if let Some(v) = request.get(member.name, "").and_then(|n| to_value(schema, member.target, n, "")) {
                    status.set_field(k, v);
                }
            }
        }
        answer.set_field(i, status.clone());
        let mut fields = request.clone();
        if let Node::Struct(_) = &fields {
            for (k, v) in from_value(schema, m.target, &status).fields() {
                fields.set(k, v.clone());
            }
        }
        call.records(|records| {
            records.insert(
                next_seq(),
                Record {
                    ty,
                    fields,
                    name: Some(request_id.clone()),
                    id: request_id.clone(),
                    arn: String::new(),
                    tags: Vec::new(),
                    created: now,
                    updated: now,
                    phase: Phase::Active,
                    client_token: None,
                },
            );
        });
    }
}
