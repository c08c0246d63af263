//! Export to S3 (ExportTableToPointInTime, DYNAMODB_JSON, gzip-compressed
//! data files with AWS's manifest layout under `<prefix>/AWSDynamoDB/<id>/`)
//! and import from S3 (ImportTable into a new table). Both run to
//! completion inside the request: the answer says IN_PROGRESS as AWS's
//! does, and Describe*/List* report COMPLETED (or FAILED) from then on.
//!
//! S3 is reached in-process (`simfra_svc_s3`). S3 offers no in-process
//! listing, so an import's S3KeyPrefix must name either one data object or
//! an export directory (whose `manifest-files.json` lists the data files).

use crate::attr::{canonical_item, Item};
use crate::tables::table_arn;
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::{Bytes, RequestContext, ServiceError, Timestamp};
use serde_json::{json, Map, Value as Json};
use std::io::{Read, Write};

pub struct Export {
    pub description: ExportDescription,
}

pub struct Import {
    pub description: ImportTableDescription,
}

fn b64(b: &[u8]) -> String {
    crate::base64(b)
}

pub fn to_json(v: &AttributeValue) -> Json {
    match v {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b64(b) }),
        AttributeValue::Ss(s) => json!({ "SS": s }),
        AttributeValue::Ns(s) => json!({ "NS": s }),
        AttributeValue::Bs(s) => json!({ "BS": s.iter().map(|b| b64(b)).collect::<Vec<_>>() }),
        AttributeValue::M(m) => json!({ "M": m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect::<Map<_, _>>() }),
        AttributeValue::L(l) => json!({ "L": l.iter().map(to_json).collect::<Vec<_>>() }),
        AttributeValue::Null(b) => json!({ "NULL": b }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Unknown => json!({}),
    }
}

pub fn from_json(v: &Json) -> Option<AttributeValue> {
    let (k, v) = v.as_object()?.iter().next()?;
    let strings = |v: &Json| -> Option<Vec<String>> { v.as_array()?.iter().map(|s| s.as_str().map(str::to_string)).collect() };
    let bytes = |s: &str| crate::base64_decode(s).map(Bytes::from);
    Some(match k.as_str() {
        "S" => AttributeValue::S(v.as_str()?.to_string()),
        "N" => AttributeValue::N(v.as_str()?.to_string()),
        "B" => AttributeValue::B(bytes(v.as_str()?)?),
        "SS" => AttributeValue::Ss(strings(v)?),
        "NS" => AttributeValue::Ns(strings(v)?),
        "BS" => AttributeValue::Bs(strings(v)?.iter().map(|s| bytes(s)).collect::<Option<_>>()?),
        "M" => AttributeValue::M(v.as_object()?.iter().map(|(k, v)| Some((k.clone(), from_json(v)?))).collect::<Option<_>>()?),
        "L" => AttributeValue::L(v.as_array()?.iter().map(from_json).collect::<Option<_>>()?),
        "NULL" => AttributeValue::Null(v.as_bool()?),
        "BOOL" => AttributeValue::Bool(v.as_bool()?),
        _ => return None,
    })
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data).read_to_end(&mut out).ok()?;
    Some(out)
}

fn iso(t: &Timestamp) -> String {
    format!("{}Z", crate::iso_millis(t))
}

pub fn export(region: &Region, ctx: &RequestContext, input: ExportTableToPointInTimeInput) -> Result<ExportTableToPointInTimeOutput, ServiceError> {
    if input.export_format.as_ref().is_some_and(|f| *f != ExportFormat::DynamodbJson) {
        return Err(validation("Only the DYNAMODB_JSON export format is supported"));
    }
    if input.export_type.as_ref().is_some_and(|t| *t == ExportType::IncrementalExport) {
        return Err(validation("Only FULL_EXPORT is supported"));
    }
    let name = crate::settings::table_name_of(&input.table_arn, ctx)?;
    let (items, table_id) = {
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let t = tables.get(&name).ok_or_else(|| TableNotFoundException { message: Some(format!("Table not found: {name}")) })?;
        let Some(log) = &t.pitr else {
            return Err(PointInTimeRecoveryUnavailableException {
                message: Some(format!("Point in time recovery is not enabled for table '{name}'")),
            }
            .into());
        };
        let at = input.export_time.unwrap_or_else(Timestamp::now);
        let items: Vec<Item> = log.items_at(at.as_millis()).iter().map(|(_, _, i)| i.clone()).collect();
        (items, t.description.table_id.clone().unwrap_or_default())
    };
    let start = Timestamp::now();
    let id = format!("{:013}-{}", start.as_millis(), &crate::new_id()[..8]);
    let arn = format!("{}/export/{id}", input.table_arn);
    let base = match input.s3_prefix.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => format!("{}/AWSDynamoDB/{id}", p.trim_end_matches('/')),
        None => format!("AWSDynamoDB/{id}"),
    };
    let mut description = ExportDescription {
        export_arn: Some(arn.clone()),
        export_status: Some(ExportStatus::Completed),
        start_time: Some(start),
        table_arn: Some(input.table_arn.clone()),
        table_id: Some(table_id.clone()),
        export_time: Some(input.export_time.unwrap_or(start)),
        client_token: input.client_token.clone(),
        s3_bucket: Some(input.s3_bucket.clone()),
        s3_bucket_owner: input.s3_bucket_owner.clone(),
        s3_prefix: input.s3_prefix.clone(),
        s3_sse_algorithm: input.s3_sse_algorithm.clone(),
        export_format: Some(ExportFormat::DynamodbJson),
        export_type: Some(ExportType::FullExport),
        ..Default::default()
    };
    let lines: String = items.iter().map(|i| format!("{}\n", json!({ "Item": i.iter().map(|(k, v)| (k.clone(), to_json(v))).collect::<Map<_, _>>() }))).collect();
    let data_key = format!("{base}/data/{}.json.gz", crate::new_id().replace('-', ""));
    let written = simfra_svc_s3::bucket_info(&input.s3_bucket).ok_or(()).and_then(|_| {
        let etag = simfra_svc_s3::put_object_internal(&input.s3_bucket, &data_key, Bytes::from(gzip(lines.as_bytes())), Some("application/x-gzip")).map_err(|_| ())?;
        let files = json!({ "itemCount": items.len(), "md5Checksum": "", "etag": etag.trim_matches('"'), "dataFileS3Key": data_key });
        let files_key = format!("{base}/manifest-files.json");
        simfra_svc_s3::put_object_internal(&input.s3_bucket, &files_key, Bytes::from(format!("{files}\n")), Some("application/json")).map_err(|_| ())?;
        let end = Timestamp::now();
        let summary = json!({
            "version": "2020-06-30",
            "exportArn": arn,
            "startTime": iso(&start),
            "endTime": iso(&end),
            "tableArn": input.table_arn,
            "tableId": table_id,
            "exportTime": iso(&input.export_time.unwrap_or(start)),
            "s3Bucket": input.s3_bucket,
            "s3Prefix": input.s3_prefix,
            "s3SseAlgorithm": "AES256",
            "s3SseKmsKeyId": null,
            "manifestFilesS3Key": files_key,
            "billedSizeBytes": lines.len(),
            "itemCount": items.len(),
            "outputFormat": "DYNAMODB_JSON",
            "exportType": "FULL_EXPORT",
        });
        let summary_key = format!("{base}/manifest-summary.json");
        simfra_svc_s3::put_object_internal(&input.s3_bucket, &summary_key, Bytes::from(summary.to_string()), Some("application/json")).map_err(|_| ())?;
        Ok((summary_key, end))
    });
    match written {
        Ok((manifest, end)) => {
            description.export_manifest = Some(manifest);
            description.end_time = Some(end);
            description.item_count = Some(items.len() as i64);
            description.billed_size_bytes = Some(lines.len() as i64);
        }
        Err(()) => {
            description.export_status = Some(ExportStatus::Failed);
            description.failure_code = Some("S3NoSuchBucket".into());
            description.failure_message = Some("The specified bucket does not exist".into());
            description.end_time = Some(Timestamp::now());
        }
    }
    region.exports.lock().unwrap_or_else(|e| e.into_inner()).insert(arn, Export { description: description.clone() });
    description.export_status = Some(ExportStatus::InProgress);
    description.end_time = None;
    Ok(ExportTableToPointInTimeOutput { export_description: Some(description) })
}

pub fn describe_export(region: &Region, arn: &str) -> Result<DescribeExportOutput, ServiceError> {
    let exports = region.exports.lock().unwrap_or_else(|e| e.into_inner());
    let e = exports.get(arn).ok_or_else(|| ExportNotFoundException { message: Some(format!("Export not found: {arn}")) })?;
    Ok(DescribeExportOutput { export_description: Some(e.description.clone()) })
}

pub fn list_exports(region: &Region, input: ListExportsInput) -> Result<ListExportsOutput, ServiceError> {
    let exports = region.exports.lock().unwrap_or_else(|e| e.into_inner());
    let limit = input.max_results.unwrap_or(25).clamp(1, 25) as usize;
    let all: Vec<&Export> = exports
        .values()
        .filter(|e| input.table_arn.as_ref().is_none_or(|t| e.description.table_arn.as_ref() == Some(t)))
        .filter(|e| input.next_token.as_ref().is_none_or(|t| e.description.export_arn.as_ref().is_some_and(|a| a > t)))
        .collect();
    let page: Vec<ExportSummary> = all
        .iter()
        .take(limit)
        .map(|e| ExportSummary {
            export_arn: e.description.export_arn.clone(),
            export_status: e.description.export_status.clone(),
            export_type: e.description.export_type.clone(),
        })
        .collect();
    let next = (all.len() > limit).then(|| page.last().and_then(|s| s.export_arn.clone())).flatten();
    Ok(ListExportsOutput { export_summaries: Some(page), next_token: next })
}

/// The items in the import source: one object, or an export's data files.
fn read_source(source: &S3BucketSource, compression: Option<&InputCompressionType>) -> Result<Vec<Vec<u8>>, String> {
    let prefix = source.s3_key_prefix.clone().unwrap_or_default();
    let get = |key: &str| simfra_svc_s3::get_object_internal(&source.s3_bucket, key);
    if simfra_svc_s3::bucket_info(&source.s3_bucket).is_none() {
        return Err("The specified bucket does not exist".into());
    }
    let decompress = |data: Bytes, gz: bool| -> Result<Vec<u8>, String> {
        if gz { gunzip(&data).ok_or_else(|| "Unable to decompress the input".to_string()) } else { Ok(data.to_vec()) }
    };
    let gz_wanted = compression == Some(&InputCompressionType::Gzip);
    if let Some(data) = get(&prefix) {
        return Ok(vec![decompress(data, gz_wanted)?]);
    }
    let manifest = get(&format!("{}/manifest-files.json", prefix.trim_end_matches('/'))).ok_or("No objects found under the S3KeyPrefix")?;
    let mut out = Vec::new();
    for line in String::from_utf8_lossy(&manifest).lines().filter(|l| !l.trim().is_empty()) {
        let entry: Json = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let key = entry["dataFileS3Key"].as_str().ok_or("Invalid manifest")?;
        let data = get(key).ok_or_else(|| format!("Missing data file {key}"))?;
        out.push(decompress(data, gz_wanted || key.ends_with(".gz"))?);
    }
    Ok(out)
}

pub fn import(region: &Region, ctx: &RequestContext, input: ImportTableInput) -> Result<ImportTableOutput, ServiceError> {
    if input.input_format != InputFormat::DynamodbJson {
        return Err(validation("Only the DYNAMODB_JSON input format is supported"));
    }
    let p = &input.table_creation_parameters;
    let name = p.table_name.clone();
    let create = CreateTableInput {
        attribute_definitions: p.attribute_definitions.clone(),
        table_name: name.clone(),
        key_schema: p.key_schema.clone(),
        global_secondary_indexes: p.global_secondary_indexes.clone(),
        billing_mode: p.billing_mode.clone(),
        provisioned_throughput: p.provisioned_throughput.clone(),
        sse_specification: p.sse_specification.clone(),
        ..Default::default()
    };
    {
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        if tables.contains_key(&name) {
            return Err(ResourceInUseException { message: Some(format!("Table already exists: {name}")) }.into());
        }
    }
    let start = Timestamp::now();
    let arn = format!("{}/import/{:013}-{}", table_arn(ctx, &name), start.as_millis(), &crate::new_id()[..8]);
    let source = read_source(&input.s3_bucket_source, input.input_compression_type.as_ref());
    let mut description = ImportTableDescription {
        import_arn: Some(arn.clone()),
        import_status: Some(ImportStatus::Completed),
        table_arn: Some(table_arn(ctx, &name)),
        client_token: input.client_token.clone(),
        s3_bucket_source: Some(input.s3_bucket_source.clone()),
        input_format: Some(input.input_format.clone()),
        input_compression_type: input.input_compression_type.clone(),
        table_creation_parameters: Some(p.clone()),
        start_time: Some(start),
        error_count: Some(0),
        ..Default::default()
    };
    match source {
        Err(message) => {
            description.import_status = Some(ImportStatus::Failed);
            description.failure_code = Some("InvalidS3Source".into());
            description.failure_message = Some(message);
        }
        Ok(files) => {
            crate::tables::create_table(region, ctx, create)?;
            let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
            let t = tables.get_mut(&name).ok_or_else(|| crate::tables::table_not_found(&name))?;
            description.table_id = t.description.table_id.clone();
            let (mut processed, mut imported, mut errors, mut bytes) = (0i64, 0i64, 0i64, 0i64);
            for file in files {
                bytes += file.len() as i64;
                for line in String::from_utf8_lossy(&file).lines().filter(|l| !l.trim().is_empty()) {
                    processed += 1;
                    let item: Option<Item> = serde_json::from_str::<Json>(line)
                        .ok()
                        .and_then(|j| j.get("Item").and_then(|i| i.as_object()).cloned())
                        .and_then(|m| m.iter().map(|(k, v)| Some((k.clone(), from_json(v)?))).collect());
                    let written = item
                        .ok_or(())
                        .and_then(|i| canonical_item(&i).map_err(|_| ()))
                        .and_then(|i| crate::items::prepare_put(t, &i).map_err(|_| ()));
                    match written {
                        Ok((key, item)) => {
                            t.write(key, Some(item), None);
                            imported += 1;
                        }
                        Err(()) => errors += 1,
                    }
                }
            }
            description.processed_item_count = Some(processed);
            description.imported_item_count = Some(imported);
            description.error_count = Some(errors);
            description.processed_size_bytes = Some(bytes);
        }
    }
    description.end_time = Some(Timestamp::now());
    region.imports.lock().unwrap_or_else(|e| e.into_inner()).insert(arn, Import { description: description.clone() });
    description.import_status = Some(ImportStatus::InProgress);
    description.end_time = None;
    Ok(ImportTableOutput { import_table_description: description })
}

pub fn describe_import(region: &Region, arn: &str) -> Result<DescribeImportOutput, ServiceError> {
    let imports = region.imports.lock().unwrap_or_else(|e| e.into_inner());
    let i = imports.get(arn).ok_or_else(|| ImportNotFoundException { message: Some(format!("Import not found: {arn}")) })?;
    Ok(DescribeImportOutput { import_table_description: i.description.clone() })
}

pub fn list_imports(region: &Region, input: ListImportsInput) -> Result<ListImportsOutput, ServiceError> {
    let imports = region.imports.lock().unwrap_or_else(|e| e.into_inner());
    let limit = input.page_size.unwrap_or(25).clamp(1, 25) as usize;
    let all: Vec<&Import> = imports
        .values()
        .filter(|i| input.table_arn.as_ref().is_none_or(|t| i.description.table_arn.as_ref() == Some(t)))
        .filter(|i| input.next_token.as_ref().is_none_or(|t| i.description.import_arn.as_ref().is_some_and(|a| a > t)))
        .collect();
    let page: Vec<ImportSummary> = all
        .iter()
        .take(limit)
        .map(|i| ImportSummary {
            import_arn: i.description.import_arn.clone(),
            import_status: i.description.import_status.clone(),
            table_arn: i.description.table_arn.clone(),
            s3_bucket_source: i.description.s3_bucket_source.clone(),
            input_format: i.description.input_format.clone(),
            start_time: i.description.start_time,
            end_time: i.description.end_time,
            ..Default::default()
        })
        .collect();
    let next = (all.len() > limit).then(|| page.last().and_then(|s| s.import_arn.clone())).flatten();
    Ok(ListImportsOutput { import_summary_list: Some(page), next_token: next })
}
