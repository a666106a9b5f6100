//! An indicator's formula: arithmetic over data-element codes.
//!
//! The grammar is four operators, parentheses, numbers and codes, so it is
//! parsed by hand (recursive descent, ~100 lines) rather than with an
//! expression crate: a crate would bring functions, variables and types we
//! must then forbid, and its errors would not be in Spanish. The named forms
//! of the Mission (ratio, share, per capita, per 100,000, sum, difference) are
//! all arithmetic: `HOMICIDIOS / POBLACION_TOTAL * 100000`.
//!
//! ```text
//! expr   := term (("+" | "-") term)*
//! term   := factor (("*" | "/") factor)*
//! factor := NUMBER | CODE | "(" expr ")" | "-" factor
//! ```
//!
//! A formula names only data elements, never other indicators, so it cannot
//! be circular.

use std::collections::{BTreeSet, HashMap};

/// Longest formula accepted (characters).
pub const MAX_FORMULA_CHARS: usize = 500;
/// Deepest nesting of parentheses and signs accepted.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Element(String),
    Negate(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Subtract,
    Multiply,
    Divide,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Code(String),
    Op(Op),
    Open,
    Close,
}

/// Splits a formula into tokens; codes are upper-cased like the catalogue's.
fn tokens(text: &str) -> Result<Vec<(usize, Token)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let start = at;
        let token = match c {
            _ if c.is_whitespace() => {
                at += 1;
                continue;
            }
            '+' => Token::Op(Op::Add),
            '-' => Token::Op(Op::Subtract),
            '*' => Token::Op(Op::Multiply),
            '/' => Token::Op(Op::Divide),
            '(' => Token::Open,
            ')' => Token::Close,
            _ if c.is_ascii_digit() || c == '.' => {
                while at < chars.len() && (chars[at].is_ascii_digit() || chars[at] == '.') {
                    at += 1;
                }
                let literal: String = chars[start..at].iter().collect();
                let number = literal
                    .parse::<f64>()
                    .map_err(|_| format!("«{literal}» no es un número (posición {})", start + 1))?;
                found.push((start, Token::Number(number)));
                continue;
            }
            _ if c.is_ascii_alphabetic() || c == '_' => {
                while at < chars.len() && (chars[at].is_ascii_alphanumeric() || chars[at] == '_') {
                    at += 1;
                }
                let code: String = chars[start..at].iter().collect();
                found.push((start, Token::Code(code.to_uppercase())));
                continue;
            }
            other => {
                return Err(format!(
                    "el carácter «{other}» (posición {}) no se admite: use códigos de elementos, números, + - * / y paréntesis",
                    start + 1
                ))
            }
        };
        found.push((start, token));
        at += 1;
    }
    Ok(found)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, token)| token)
    }

    fn position(&self) -> String {
        match self.tokens.get(self.next) {
            Some((at, _)) => format!("en la posición {}", at + 1),
            None => "al final".to_owned(),
        }
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut left = self.term()?;
        while let Some(Token::Op(op @ (Op::Add | Op::Subtract))) = self.peek().cloned() {
            self.next += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.term()?));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, String> {
        let mut left = self.factor()?;
        while let Some(Token::Op(op @ (Op::Multiply | Op::Divide))) = self.peek().cloned() {
            self.next += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.factor()?));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("la fórmula anida más de {MAX_DEPTH} niveles"));
        }
        let missing = format!("falta un número, un código o «(» {}", self.position());
        let found = match self.peek().cloned().ok_or(missing.clone())? {
            Token::Number(number) => {
                self.next += 1;
                Expr::Number(number)
            }
            Token::Code(code) => {
                self.next += 1;
                Expr::Element(code)
            }
            Token::Op(Op::Subtract) => {
                self.next += 1;
                Expr::Negate(Box::new(self.factor()?))
            }
            Token::Open => {
                self.next += 1;
                let inner = self.expr()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(format!("falta «)» {}", self.position()));
                }
                self.next += 1;
                inner
            }
            Token::Op(_) | Token::Close => return Err(missing),
        };
        self.depth -= 1;
        Ok(found)
    }
}

/// Parses a formula; the message says what is wrong and where.
pub fn parse(text: &str) -> Result<Expr, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("la fórmula está vacía".into());
    }
    if text.chars().count() > MAX_FORMULA_CHARS {
        return Err(format!("la fórmula supera {MAX_FORMULA_CHARS} caracteres"));
    }
    let mut parser = Parser { tokens: tokens(text)?, next: 0, depth: 0 };
    let expr = parser.expr()?;
    if parser.next < parser.tokens.len() {
        return Err(format!("sobra texto {}", parser.position()));
    }
    Ok(expr)
}

impl Expr {
    /// The data elements the formula reads, in code order.
    pub fn elements(&self) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        self.collect(&mut found);
        found
    }

    fn collect(&self, found: &mut BTreeSet<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Element(code) => {
                found.insert(code.clone());
            }
            Expr::Negate(inner) => inner.collect(found),
            Expr::Binary(left, _, right) => {
                left.collect(found);
                right.collect(found);
            }
        }
    }

    /// A division by a literal zero anywhere in the formula.
    fn divides_by_zero(&self) -> bool {
        match self {
            Expr::Number(_) | Expr::Element(_) => false,
            Expr::Negate(inner) => inner.divides_by_zero(),
            Expr::Binary(left, op, right) => {
                (*op == Op::Divide && matches!(**right, Expr::Number(n) if n == 0.0))
                    || left.divides_by_zero()
                    || right.divides_by_zero()
            }
        }
    }

    /// The value, given the value of each element it reads; `None` for a
    /// division by zero (the caller has checked every element is present).
    pub fn evaluate(&self, values: &HashMap<String, f64>) -> Option<f64> {
        let value = match self {
            Expr::Number(number) => *number,
            Expr::Element(code) => *values.get(code)?,
            Expr::Negate(inner) => -inner.evaluate(values)?,
            Expr::Binary(left, op, right) => {
                let (left, right) = (left.evaluate(values)?, right.evaluate(values)?);
                match op {
                    Op::Add => left + right,
                    Op::Subtract => left - right,
                    Op::Multiply => left * right,
                    Op::Divide if right == 0.0 => return None,
                    Op::Divide => left / right,
                }
            }
        };
        value.is_finite().then_some(value)
    }
}

/// What the type check knows of an element: whether it exists and is a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    Numeric,
    /// Text, yes/no or a date: not arithmetic.
    NotNumeric,
}

/// Parses and type-checks a formula against the catalogue: every element
/// exists and is numeric, at least one is read, no literal division by zero.
pub fn check(text: &str, catalogue: &HashMap<String, ElementKind>) -> Result<Expr, String> {
    let expr = parse(text)?;
    let elements = expr.elements();
    if elements.is_empty() {
        return Err(
            "la fórmula no usa ningún elemento de datos: un indicador se calcula de lo reportado".into()
        );
    }
    let unknown: Vec<&str> =
        elements.iter().filter(|code| !catalogue.contains_key(*code)).map(String::as_str).collect();
    if !unknown.is_empty() {
        return Err(format!(
            "la fórmula usa elementos que no existen en el catálogo: {}",
            unknown.join(", ")
        ));
    }
    let not_numeric: Vec<&str> = elements
        .iter()
        .filter(|code| catalogue.get(*code) == Some(&ElementKind::NotNumeric))
        .map(String::as_str)
        .collect();
    if !not_numeric.is_empty() {
        return Err(format!(
            "la fórmula opera con elementos que no son numéricos (texto, sí/no o fecha): {}",
            not_numeric.join(", ")
        ));
    }
    if expr.divides_by_zero() {
        return Err("la fórmula divide por cero".into());
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> HashMap<String, ElementKind> {
        [
            ("POBLACION", ElementKind::Numeric),
            ("HOMICIDIOS", ElementKind::Numeric),
            ("MATRICULA", ElementKind::Numeric),
            ("CORTE", ElementKind::NotNumeric),
        ]
        .into_iter()
        .map(|(code, kind)| (code.to_owned(), kind))
        .collect()
    }

    fn values(pairs: &[(&str, f64)]) -> HashMap<String, f64> {
        pairs.iter().map(|(code, value)| (code.to_string(), *value)).collect()
    }

    #[test]
    fn per_100000_is_arithmetic_with_the_usual_precedence() {
        let expr = check("homicidios / POBLACION * 100000", &catalogue()).expect("valid");
        assert_eq!(expr.elements().into_iter().collect::<Vec<_>>(), ["HOMICIDIOS", "POBLACION"]);
        let value = expr.evaluate(&values(&[("HOMICIDIOS", 25.0), ("POBLACION", 50_000.0)]));
        assert_eq!(value, Some(50.0));
        let share = parse("(MATRICULA - 10) / (POBLACION + -10) * 100").expect("valid");
        assert_eq!(share.evaluate(&values(&[("MATRICULA", 60.0), ("POBLACION", 110.0)])), Some(50.0));
        assert_eq!(parse("2 - 3 - 4").expect("valid").evaluate(&HashMap::new()), Some(-5.0), "left to right");
    }

    #[test]
    fn a_division_by_a_zero_input_gives_no_value() {
        let expr = parse("HOMICIDIOS / POBLACION").expect("valid");
        assert_eq!(expr.evaluate(&values(&[("HOMICIDIOS", 3.0), ("POBLACION", 0.0)])), None);
    }

    #[test]
    fn bad_formulas_say_what_is_wrong() {
        for (formula, expected) in [
            ("", "vacía"),
            ("POBLACION +", "falta un número"),
            ("(POBLACION / 2", "falta «)»"),
            ("POBLACION POBLACION", "sobra texto"),
            ("POBLACION % 2", "«%»"),
            ("1.2.3 * POBLACION", "no es un número"),
            ("NO_EXISTE / POBLACION", "no existen en el catálogo: NO_EXISTE"),
            ("POBLACION / CORTE", "no son numéricos (texto, sí/no o fecha): CORTE"),
            ("POBLACION / 0", "divide por cero"),
            ("100 * 2", "ningún elemento"),
        ] {
            let error = check(formula, &catalogue()).unwrap_err();
            assert!(error.contains(expected), "{formula}: {error}");
        }
        let deep = format!("{}POBLACION{}", "(".repeat(40), ")".repeat(40));
        assert!(check(&deep, &catalogue()).unwrap_err().contains("niveles"));
    }
}
