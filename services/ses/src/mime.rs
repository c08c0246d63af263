//! Just enough MIME for SendRawEmail and TestRenderTemplate: header fields
//! (unfolded, lower-cased names), address lists, the first text part, and
//! a rendered message in the form SES's TestRenderTemplate answers.

use std::collections::HashMap;

/// The header block's fields (the first value of each, unfolded).
pub fn headers(raw: &str) -> HashMap<String, String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw).split("\n\n").next().unwrap_or("");
    let mut out: HashMap<String, String> = HashMap::new();
    let mut last: Option<String> = None;
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = last.as_ref().and_then(|k| out.get_mut(k)) {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            out.entry(k.clone()).or_insert_with(|| v.trim().to_string());
            last = Some(k);
        }
    }
    out
}

/// `a@x.com, "B" <b@y.com>` → the addresses.
pub fn addresses(list: &str) -> Vec<String> {
    list.split(',').map(|a| super::address_of(a)).filter(|a| a.contains('@')).collect()
}

/// The body of a single-part message, or the first `text/plain` part of a multipart one.
pub fn text_body(raw: &str) -> String {
    let (head, body) = split(raw);
    let h = headers(head);
    let ctype = h.get("content-type").map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    if let Some(boundary) = ctype.split(';').find_map(|p| p.trim().strip_prefix("boundary=")).map(|b| b.trim_matches('"').to_string()) {
        // The boundary as written (case kept) in the original header.
        let original = headers(head).get("content-type").and_then(|c| c.split(';').find_map(|p| p.trim().strip_prefix("boundary=").map(|b| b.trim_matches('"').to_string()))).unwrap_or(boundary);
        for part in body.split(&format!("--{original}")) {
            let (ph, pb) = split(part.trim_start_matches(['\r', '\n']));
            if headers(ph).get("content-type").is_some_and(|c| c.to_ascii_lowercase().starts_with("text/plain")) {
                return pb.trim_end().to_string();
            }
        }
        return String::new();
    }
    body.to_string()
}

fn split(raw: &str) -> (&str, &str) {
    raw.split_once("\r\n\r\n").or_else(|| raw.split_once("\n\n")).unwrap_or((raw, ""))
}

/// A rendered template as MIME text.
pub fn compose(subject: Option<&str>, text: Option<&str>, html: Option<&str>) -> String {
    let mut out = format!("Subject: {}\r\nMIME-Version: 1.0\r\n", subject.unwrap_or(""));
    match (text, html) {
        (Some(t), Some(h)) => {
            let b = "----=_Part_simfra";
            out.push_str(&format!("Content-Type: multipart/alternative; boundary=\"{b}\"\r\n\r\n"));
            out.push_str(&format!("--{b}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{t}\r\n"));
            out.push_str(&format!("--{b}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{h}\r\n--{b}--\r\n"));
        }
        (Some(t), None) => out.push_str(&format!("Content-Type: text/plain; charset=UTF-8\r\n\r\n{t}\r\n")),
        (None, Some(h)) => out.push_str(&format!("Content-Type: text/html; charset=UTF-8\r\n\r\n{h}\r\n")),
        (None, None) => out.push_str("\r\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_text_part() {
        let raw = "From: a@x.com\r\nTo: b@y.com,\r\n c@z.com\r\nSubject: Hi\r\nContent-Type: multipart/mixed; boundary=\"XyZ\"\r\n\r\n--XyZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n";
        let h = headers(raw);
        assert_eq!(h["subject"], "Hi");
        assert_eq!(addresses(&h["to"]), vec!["b@y.com", "c@z.com"]);
        assert_eq!(text_body(raw), "hello");
    }
}
