//! The problems of a rejected batch, each naming its line.

use serde::Serialize;

use super::limits;

/// One problem: its 1-based line and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

/// Problems of a batch: the first [`limits::MAX_PROBLEMS`] kept, all counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub shown: Vec<Problem>,
    pub total: u64,
}

impl Problems {
    pub fn push(&mut self, line: u64, message: impl Into<String>) {
        self.total += 1;
        if self.shown.len() < limits::MAX_PROBLEMS {
            self.shown.push(Problem {
                line,
                message: message.into(),
            });
        }
    }

    /// A problem with the whole batch (too large, too many lines): listed
    /// first, so it is seen even after a hundred problems of single lines.
    pub fn push_first(&mut self, line: u64, message: impl Into<String>) {
        self.total += 1;
        self.shown.insert(
            0,
            Problem {
                line,
                message: message.into(),
            },
        );
        self.shown.truncate(limits::MAX_PROBLEMS);
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_keep_the_first_hundred_and_count_all() {
        let mut p = Problems::default();
        for i in 0..250 {
            p.push(i, "x");
        }
        assert_eq!(p.shown.len(), limits::MAX_PROBLEMS);
        assert_eq!(p.total, 250);
        p.push_first(251, "too many");
        assert_eq!(p.shown[0].line, 251);
        assert_eq!(p.shown.len(), limits::MAX_PROBLEMS);
        assert_eq!(p.total, 251);
    }
}
