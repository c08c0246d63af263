//! DynamoDB numbers: decimals of up to 38 significant digits with magnitudes
//! between 1E-130 and 9.99…E+125. They are kept as digits and an exponent so
//! that keys order numerically, arithmetic (`SET a = a + :n`, `ADD`) is exact
//! and the text returned is AWS's canonical form (`1.50` → `1.5`, `1E2` → `100`).

use std::cmp::Ordering;

/// The value `±0.d₁d₂…dₙ × 10^exp`; `digits` has no leading or trailing
/// zeros, and zero has no digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    digits: Vec<u8>,
    exp: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// The text that is no number (quoted in AWS's message when non-empty).
    NotANumber(String),
    TooPrecise,
    Overflow,
    Underflow,
}

impl NumberError {
    pub fn message(&self) -> String {
        match self {
            NumberError::NotANumber(t) if t.is_empty() => "The parameter cannot be converted to a numeric value".into(),
            NumberError::NotANumber(t) => format!("The parameter cannot be converted to a numeric value: {t}"),
            NumberError::TooPrecise => "Attempting to store more than 38 significant digits in a Number".into(),
            NumberError::Overflow => "Number overflow. Attempting to store a number with magnitude larger than supported range".into(),
            NumberError::Underflow => "Number underflow. Attempting to store a number with magnitude smaller than supported range".into(),
        }
    }
}

const MAX_DIGITS: usize = 38;

impl Number {
    pub fn zero() -> Number {
        Number { negative: false, digits: Vec::new(), exp: 0 }
    }

    /// Parses DynamoDB's number syntax (`-12.5`, `.5`, `1e3`) and checks its
    /// precision and range.
    pub fn parse(text: &str) -> Result<Number, NumberError> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut negative = false;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            negative = bytes[i] == b'-';
            i += 1;
        }
        let mut mantissa = Vec::new();
        let mut point: Option<usize> = None;
        let mut seen_digit = false;
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' => {
                    mantissa.push(bytes[i] - b'0');
                    seen_digit = true;
                }
                b'.' if point.is_none() => point = Some(mantissa.len()),
                _ => break,
            }
            i += 1;
        }
        if !seen_digit {
            return Err(NumberError::NotANumber(text.to_string()));
        }
        let mut exponent: i64 = 0;
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            i += 1;
            let mut exp_negative = false;
            if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
                exp_negative = bytes[i] == b'-';
                i += 1;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                exponent = (exponent * 10 + (bytes[i] - b'0') as i64).min(1_000_000);
                i += 1;
            }
            if start == i {
                return Err(NumberError::NotANumber(text.to_string()));
            }
            if exp_negative {
                exponent = -exponent;
            }
        }
        if i != bytes.len() {
            return Err(NumberError::NotANumber(text.to_string()));
        }
        let int_len = point.unwrap_or(mantissa.len()) as i64;
        Number::from_parts(negative, mantissa, int_len + exponent)
    }

    /// Builds `±0.digits × 10^exp` from unnormalised digits, then checks limits.
    fn from_parts(negative: bool, mut digits: Vec<u8>, mut exp: i64) -> Result<Number, NumberError> {
        let leading = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..leading);
        exp -= leading as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Ok(Number::zero());
        }
        if digits.len() > MAX_DIGITS {
            return Err(NumberError::TooPrecise);
        }
        if exp > 126 {
            return Err(NumberError::Overflow);
        }
        if exp < -129 {
            return Err(NumberError::Underflow);
        }
        Ok(Number { negative, digits, exp: exp as i32 })
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// The value as an integer of digits times `10^scale`.
    fn scaled(&self) -> (Vec<u8>, i64) {
        (self.digits.clone(), self.exp as i64 - self.digits.len() as i64)
    }

    pub fn add(&self, other: &Number) -> Result<Number, NumberError> {
        if self.is_zero() {
            return Ok(other.clone());
        }
        if other.is_zero() {
            return Ok(self.clone());
        }
        let (mut a, sa) = self.scaled();
        let (mut b, sb) = other.scaled();
        let scale = sa.min(sb);
        a.extend(std::iter::repeat_n(0, (sa - scale) as usize));
        b.extend(std::iter::repeat_n(0, (sb - scale) as usize));
        let (negative, digits) = if self.negative == other.negative {
            (self.negative, add_magnitudes(&a, &b))
        } else {
            match cmp_magnitudes(&a, &b) {
                Ordering::Equal => return Ok(Number::zero()),
                Ordering::Greater => (self.negative, sub_magnitudes(&a, &b)),
                Ordering::Less => (other.negative, sub_magnitudes(&b, &a)),
            }
        };
        let len = digits.len() as i64;
        Number::from_parts(negative, digits, len + scale)
    }

    pub fn negate(&self) -> Number {
        let mut n = self.clone();
        if !n.is_zero() {
            n.negative = !n.negative;
        }
        n
    }

    pub fn sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.add(&other.negate())
    }

    /// Bytes DynamoDB counts for the number: one, plus one per two
    /// significant digits of the integer part and of the fraction (counted
    /// separately), plus one when negative.
    pub fn stored_size(&self) -> usize {
        let n = self.digits.len();
        let integer = if self.exp > 0 { n.min(self.exp as usize) } else { 0 };
        1 + integer.div_ceil(2) + (n - integer).div_ceil(2) + self.negative as usize
    }
}

fn cmp_magnitudes(a: &[u8], b: &[u8]) -> Ordering {
    let a = &a[a.iter().take_while(|d| **d == 0).count()..];
    let b = &b[b.iter().take_while(|d| **d == 0).count()..];
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn add_magnitudes(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let (mut i, mut j, mut carry) = (a.len(), b.len(), 0u8);
    while i > 0 || j > 0 || carry > 0 {
        let x = if i > 0 { i -= 1; a[i] } else { 0 };
        let y = if j > 0 { j -= 1; b[j] } else { 0 };
        let s = x + y + carry;
        out.push(s % 10);
        carry = s / 10;
    }
    out.reverse();
    out
}

/// `a - b` for magnitudes with `a >= b`.
fn sub_magnitudes(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let (mut i, mut j, mut borrow) = (a.len(), b.len(), 0i8);
    while i > 0 {
        i -= 1;
        let y = if j > 0 { j -= 1; b[j] as i8 } else { 0 };
        let mut d = a[i] as i8 - y - borrow;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        out.push(d as u8);
    }
    out.reverse();
    out
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |n: &Number| if n.is_zero() { 0 } else if n.negative { -1 } else { 1 };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal => {}
            o => return o,
        }
        let magnitude = self.exp.cmp(&other.exp).then_with(|| self.digits.cmp(&other.digits));
        if self.negative { magnitude.reverse() } else { magnitude }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let mut s = String::new();
        if self.negative {
            s.push('-');
        }
        let digit = |d: &u8| (b'0' + d) as char;
        let len = self.digits.len() as i32;
        if self.exp >= len {
            s.extend(self.digits.iter().map(digit));
            s.extend(std::iter::repeat_n('0', (self.exp - len) as usize));
        } else if self.exp > 0 {
            s.extend(self.digits[..self.exp as usize].iter().map(digit));
            s.push('.');
            s.extend(self.digits[self.exp as usize..].iter().map(digit));
        } else {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-self.exp) as usize));
            s.extend(self.digits.iter().map(digit));
        }
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn canonical_text() {
        assert_eq!(n("1.50").to_string(), "1.5");
        assert_eq!(n("1E2").to_string(), "100");
        assert_eq!(n("-0.0012").to_string(), "-0.0012");
        assert_eq!(n("-0").to_string(), "0");
        assert_eq!(n("007").to_string(), "7");
        assert_eq!(n(".5").to_string(), "0.5");
    }

    #[test]
    fn limits() {
        assert_eq!(Number::parse("abc"), Err(NumberError::NotANumber("abc".into())));
        assert_eq!(Number::parse("1e"), Err(NumberError::NotANumber("1e".into())));
        assert_eq!(Number::parse(&"1".repeat(39)), Err(NumberError::TooPrecise));
        assert!(Number::parse(&"1".repeat(38)).is_ok());
        assert_eq!(Number::parse("1E126"), Err(NumberError::Overflow));
        assert!(Number::parse("9.9E125").is_ok());
        assert_eq!(Number::parse("1E-131"), Err(NumberError::Underflow));
        assert!(Number::parse("1E-130").is_ok());
    }

    #[test]
    fn sizes_count_integer_and_fraction_digits_apart() {
        assert_eq!(n("1000").stored_size(), 2);
        assert_eq!(n("12.5").stored_size(), 3);
        assert_eq!(n("1.5").stored_size(), 3);
        assert_eq!(n("-0.005").stored_size(), 3);
        assert_eq!(n("0").stored_size(), 1);
    }

    #[test]
    fn arithmetic_and_order() {
        assert_eq!(n("0.1").add(&n("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(n("5").sub(&n("7.5")).unwrap().to_string(), "-2.5");
        assert_eq!(n("-5").add(&n("5")).unwrap().to_string(), "0");
        assert_eq!(n("999").add(&n("1")).unwrap().to_string(), "1000");
        assert!(n("-10") < n("-9"));
        assert!(n("0.5") < n("1"));
        assert!(n("10") > n("9.99"));
        assert!(n("-1") < n("0"));
    }
}
