//! Why a scenario was refused: the file, the key path inside it, and the reason.

use std::fmt;

/// A scenario problem, e.g. `default.yaml: ledger.accounts[2].currency: unknown currency "XYZ"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file name, or `<inline>` for a scenario sent in a request.
    pub file: String,
    /// Dotted key path (`ledger.accounts[2].currency`); `.` for the whole document.
    pub path: String,
    pub message: String,
    /// Line and column in the file, when the YAML reader knew them.
    pub location: Option<(usize, usize)>,
}

impl ScenarioError {
    pub fn new(file: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            path: path.into(),
            message: message.into(),
            location: None,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.path, self.message)?;
        if let Some((line, column)) = self.location {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
