//! Tokens of DynamoDB's expression language. Each token keeps its byte span
//! so that syntax errors can quote the source around it the way AWS does
//! (`Syntax error; token: "-", near: "user-id"`).

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A bare attribute name or keyword (`a`, `AND`, `SET`, `begins_with`).
    Ident(String),
    /// `#alias`
    Name(String),
    /// `:value`
    Value(String),
    /// A list index inside `[...]`.
    Number(String),
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Comma,
    Dot,
    LParen,
    RParen,
    LBracket,
    RBracket,
    /// A character the language has no use for.
    Other(char),
    Eof,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token as AWS quotes it in syntax errors.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        match self.tok {
            Tok::Eof => "<EOF>",
            _ => &src[self.start..self.end],
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub fn tokenize(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    let end_of = |i: usize| chars.get(i).map(|(p, _)| *p).unwrap_or(src.len());
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let single = |tok: Tok, len: usize| (tok, len);
        let (tok, len) = match c {
            '=' => single(Tok::Eq, 1),
            '<' => match chars.get(i + 1).map(|c| c.1) {
                Some('>') => single(Tok::Ne, 2),
                Some('=') => single(Tok::Le, 2),
                _ => single(Tok::Lt, 1),
            },
            '>' => match chars.get(i + 1).map(|c| c.1) {
                Some('=') => single(Tok::Ge, 2),
                _ => single(Tok::Gt, 1),
            },
            '+' => single(Tok::Plus, 1),
            '-' => single(Tok::Minus, 1),
            ',' => single(Tok::Comma, 1),
            '.' => single(Tok::Dot, 1),
            '(' => single(Tok::LParen, 1),
            ')' => single(Tok::RParen, 1),
            '[' => single(Tok::LBracket, 1),
            ']' => single(Tok::RBracket, 1),
            '#' | ':' => {
                let mut j = i + 1;
                while j < chars.len() && is_word(chars[j].1) {
                    j += 1;
                }
                let word = src[start..end_of(j)].to_string();
                let tok = if c == '#' { Tok::Name(word) } else { Tok::Value(word) };
                (tok, j - i)
            }
            c if c.is_ascii_digit() => {
                let mut j = i;
                while j < chars.len() && chars[j].1.is_ascii_digit() {
                    j += 1;
                }
                // A word starting with a digit is still one token (`1abc`).
                if j < chars.len() && is_word(chars[j].1) {
                    while j < chars.len() && is_word(chars[j].1) {
                        j += 1;
                    }
                    (Tok::Ident(src[start..end_of(j)].to_string()), j - i)
                } else {
                    (Tok::Number(src[start..end_of(j)].to_string()), j - i)
                }
            }
            c if is_word(c) => {
                let mut j = i;
                while j < chars.len() && is_word(chars[j].1) {
                    j += 1;
                }
                (Tok::Ident(src[start..end_of(j)].to_string()), j - i)
            }
            other => single(Tok::Other(other), 1),
        };
        out.push(Token { tok, start, end: end_of(i + len) });
        i += len;
    }
    out.push(Token { tok: Tok::Eof, start: src.len(), end: src.len() });
    out
}
