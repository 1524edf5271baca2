//! Walking the audit chain row by row, in `seq` order, whatever stores it:
//! the first row whose number, link or hash does not match, or a head that
//! does not name the last row, breaks it. The office server's verifier
//! walks with this; the reasons read as the SQLite verifier's do.

use super::audit::{AuditContent, AuditVerdict, GENESIS_HASH};

/// Where the walk is: the next expected `seq` and the previous row's hash.
#[derive(Debug, Clone)]
pub struct ChainWalk {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainWalk {
    fn default() -> Self {
        ChainWalk {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainWalk {
    /// Checks the next row; `Err` with the verdict at the first break.
    pub fn step(
        &mut self,
        row: &AuditContent<'_>,
        stored_prev: &str,
        stored_hash: &str,
    ) -> Result<(), AuditVerdict> {
        let expected = self.expected_seq;
        if row.seq != expected {
            return Err(AuditVerdict::Broken {
                seq: expected,
                reason: format!(
                    "应为第 {expected} 条，实际为第 {} 条（记录被删除或重新编号）",
                    row.seq
                ),
            });
        }
        if stored_prev != self.prev_hash {
            return Err(AuditVerdict::Broken {
                seq: row.seq,
                reason: "与上一条记录的哈希链接不符（记录被删除或调换顺序）".into(),
            });
        }
        if row.chain_hash(&self.prev_hash) != stored_hash {
            return Err(AuditVerdict::Broken {
                seq: row.seq,
                reason: "内容与其哈希不符（记录被修改）".into(),
            });
        }
        stored_hash.clone_into(&mut self.prev_hash);
        self.expected_seq += 1;
        Ok(())
    }

    /// Rows walked so far.
    pub fn rows(&self) -> i64 {
        self.expected_seq - 1
    }

    /// The verdict once every row was walked, given the stored head (`None`
    /// when there is no head row; an empty chain's head may be seq 0 with
    /// the genesis hash).
    pub fn finish(self, head: Option<(i64, &str)>) -> AuditVerdict {
        let rows = self.rows();
        match head {
            None if rows == 0 => AuditVerdict::Intact { rows: 0 },
            Some((seq, hash)) if seq == rows && hash == self.prev_hash => {
                AuditVerdict::Intact { rows }
            }
            Some((seq, _)) if seq > rows => AuditVerdict::Broken {
                seq: rows + 1,
                reason: format!("链头记载 {seq} 条，实际只剩 {rows} 条（末尾记录被删除）"),
            },
            _ => AuditVerdict::Broken {
                seq: rows.max(1),
                reason: "链头与最后一条记录不符".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, detail: &str) -> AuditContent<'_> {
        AuditContent {
            seq,
            at: "2026-11-20T01:30:00.000Z",
            actor_id: Some(1),
            actor: "zhaomin",
            action: "login_succeeded",
            target: "clerk:1",
            detail,
        }
    }

    /// Three rows chained correctly: (content detail, prev, hash).
    fn chain() -> Vec<(String, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        let mut out = Vec::new();
        for (i, d) in ["一", "二", "三"].iter().enumerate() {
            let h = row(i as i64 + 1, d).chain_hash(&prev);
            out.push((d.to_string(), prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    #[test]
    fn an_intact_chain_and_its_head() {
        let mut w = ChainWalk::default();
        let c = chain();
        for (i, (d, p, h)) in c.iter().enumerate() {
            w.step(&row(i as i64 + 1, d), p, h).unwrap();
        }
        assert_eq!(
            w.finish(Some((3, &c[2].2))),
            AuditVerdict::Intact { rows: 3 }
        );
        assert_eq!(
            ChainWalk::default().finish(Some((0, GENESIS_HASH))),
            AuditVerdict::Intact { rows: 0 }
        );
        assert_eq!(
            ChainWalk::default().finish(None),
            AuditVerdict::Intact { rows: 0 }
        );
    }

    #[test]
    fn edits_gaps_and_cut_tails_are_named() {
        let c = chain();
        let mut w = ChainWalk::default();
        w.step(&row(1, &c[0].0), &c[0].1, &c[0].2).unwrap();
        let e = w.step(&row(2, "改过"), &c[1].1, &c[1].2).unwrap_err();
        assert!(matches!(e, AuditVerdict::Broken { seq: 2, .. }), "{e:?}");

        let mut w = ChainWalk::default();
        w.step(&row(1, &c[0].0), &c[0].1, &c[0].2).unwrap();
        let e = w.step(&row(3, &c[2].0), &c[2].1, &c[2].2).unwrap_err();
        assert!(matches!(e, AuditVerdict::Broken { seq: 2, .. }), "{e:?}");

        let mut w = ChainWalk::default();
        w.step(&row(1, &c[0].0), &c[0].1, &c[0].2).unwrap();
        w.step(&row(2, &c[1].0), &c[1].1, &c[1].2).unwrap();
        match w.finish(Some((3, &c[2].2))) {
            AuditVerdict::Broken { seq: 3, reason } => assert!(reason.contains("末尾"), "{reason}"),
            v => panic!("{v:?}"),
        }
    }
}
