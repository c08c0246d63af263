//! Wildcards and policy variables.

use crate::Request;

/// `*` matches any run of characters, `?` any one character.
pub fn glob_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (pattern.to_lowercase().chars().collect(), text.to_lowercase().chars().collect())
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    // Iterative matching with backtracking to the last `*` (linear in practice).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Actions compare case-insensitively (`s3:getobject` is `s3:GetObject`).
pub fn action_match(pattern: &str, action: &str) -> bool {
    glob_match(pattern, action, true)
}

/// `ArnLike`: each of the six colon-separated parts matches on its own.
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != 6 || a.len() != 6 {
        return pattern == "*" || glob_match(pattern, arn, false);
    }
    p.iter().zip(&a).all(|(x, y)| glob_match(x, y, false))
}

/// Replaces policy variables: `${aws:username}` and other context keys,
/// `${*}`, `${?}`, `${$}` for the literal characters. An unknown variable
/// leaves a value that matches nothing real.
pub fn substitute(s: &str, req: &Request) -> String {
    if !s.contains("${") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        // `${key, 'default'}`
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_string())),
            None => (inner.trim(), None),
        };
        match key {
            "*" => out.push('*'),
            "?" => out.push('?'),
            "$" => out.push('$'),
            k => match req.key(k).and_then(|v| v.first()) {
                Some(v) => out.push_str(v),
                None => match default {
                    Some(d) => out.push_str(&d),
                    None => out.push('\u{0}'),
                },
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
