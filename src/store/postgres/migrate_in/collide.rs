//! What a second workstation may not bring in silently: numbers and names
//! the server already uses (listed, and the whole migration refused), and
//! settings the hall already has (the server's are kept, differences
//! reported).

use std::collections::{HashMap, HashSet};

use ::postgres::Transaction;

use super::source::Source;
use super::{MigrateInError, Renames};
use crate::domain::mask::mask_document;

/// One kind of number or name both sides use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// In words, e.g. 柜员用户名.
    pub what: &'static str,
    /// The colliding values (document numbers masked), sorted.
    pub values: Vec<String>,
}

struct Unique {
    what: &'static str,
    source: &'static str,
    /// `$1` is the source's values.
    server: &'static str,
    masked: bool,
}

const UNIQUE: &[Unique] = &[
    Unique {
        what: "面签编号（MQ）",
        source: "SELECT reg_no FROM registrations",
        server: "SELECT reg_no FROM registrations WHERE reg_no = ANY($1)",
        masked: false,
    },
    Unique {
        what: "在办面签的证件号码",
        source: "SELECT doc_number FROM registrations WHERE status <> 'returned'",
        server: "SELECT doc_number FROM registrations \
                 WHERE status <> 'returned' AND doc_number = ANY($1)",
        masked: true,
    },
    Unique {
        what: "申请编号",
        source: "SELECT app_no FROM applications",
        server: "SELECT app_no FROM applications WHERE app_no = ANY($1)",
        masked: false,
    },
    Unique {
        what: "面签的客户端编号（idempotency_key）",
        source: "SELECT idempotency_key FROM registrations",
        server: "SELECT idempotency_key FROM registrations WHERE idempotency_key = ANY($1)",
        masked: false,
    },
    Unique {
        what: "审核的客户端编号（op_key）",
        source: "SELECT op_key FROM decisions WHERE op_key IS NOT NULL",
        server: "SELECT op_key FROM decisions WHERE op_key = ANY($1)",
        masked: false,
    },
    Unique {
        what: "导入的客户端编号（op_key）",
        source: "SELECT op_key FROM imports WHERE op_key IS NOT NULL",
        server: "SELECT op_key FROM imports WHERE op_key = ANY($1)",
        masked: false,
    },
    Unique {
        what: "导出编号",
        source: "SELECT export_id FROM exports WHERE export_id IS NOT NULL",
        server: "SELECT export_id FROM exports WHERE export_id = ANY($1)",
        masked: false,
    },
    Unique {
        what: "已清除的导出遗留文件夹",
        source: "SELECT path FROM export_leftovers WHERE removed_at IS NOT NULL",
        server: "SELECT path FROM export_leftovers WHERE path = ANY($1)",
        masked: false,
    },
];

/// The source's clerk names as they will be on the server.
pub fn renamed_clerks(src: &Source, renames: &Renames) -> Result<Vec<String>, MigrateInError> {
    let names = src.db.strings("SELECT username FROM clerks ORDER BY id")?;
    let have: HashSet<&str> = names.iter().map(String::as_str).collect();
    for (from, _) in renames {
        if !have.contains(from.as_str()) {
            return Err(MigrateInError::BadRename(format!(
                "源数据库中没有用户名为 {from} 的柜员"
            )));
        }
    }
    let map: HashMap<&str, &str> = renames
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let out: Vec<String> = names
        .iter()
        .map(|n| {
            map.get(n.as_str())
                .map_or_else(|| n.clone(), |r| (*r).to_owned())
        })
        .collect();
    let mut seen = HashSet::new();
    for n in &out {
        if !seen.insert(n) {
            return Err(MigrateInError::BadRename(format!(
                "改名后源数据库中有两个柜员都叫 {n}"
            )));
        }
    }
    Ok(out)
}

/// Every number or name the server already uses, by kind (empty: none).
pub fn collisions(
    src: &Source,
    tx: &mut Transaction<'_>,
    clerks: &[String],
) -> Result<Vec<Collision>, MigrateInError> {
    let mut out = Vec::new();
    let taken = |tx: &mut Transaction<'_>, sql: &str, vals: &[String]| {
        tx.query(sql, &[&vals]).map(|rows| {
            let mut v: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            v.sort();
            v.dedup();
            v
        })
    };
    let users = taken(
        tx,
        "SELECT username FROM clerks WHERE username = ANY($1)",
        clerks,
    )
    .map_err(MigrateInError::server)?;
    if !users.is_empty() {
        out.push(Collision {
            what: "柜员用户名",
            values: users,
        });
    }
    for u in UNIQUE {
        let vals = src.db.strings(u.source)?;
        if vals.is_empty() {
            continue;
        }
        let hit = taken(tx, u.server, &vals).map_err(MigrateInError::server)?;
        if !hit.is_empty() {
            out.push(Collision {
                what: u.what,
                values: if u.masked {
                    hit.iter().map(|d| mask_document(d)).collect()
                } else {
                    hit
                },
            });
        }
    }
    Ok(out)
}

/// The source's settings merged into the server's: a key the server lacks
/// is taken from the source; one it has is kept, and a difference is
/// reported (the office document field by field; the audit salt without
/// its value).
pub fn merge_settings(
    src: &Source,
    tx: &mut Transaction<'_>,
) -> Result<Vec<String>, MigrateInError> {
    let mut notes = Vec::new();
    for (key, value) in src
        .db
        .pairs("SELECT key, value FROM settings ORDER BY key")?
    {
        let server: Option<String> = tx
            .query_opt("SELECT value FROM settings WHERE key = $1", &[&key])
            .map_err(MigrateInError::server)?
            .map(|r| r.get(0));
        match server {
            None => {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES ($1, $2)",
                    &[&key, &value],
                )
                .map_err(MigrateInError::server)?;
                notes.push(format!("设置 {key}：服务器上没有，已采用本机的"));
            }
            Some(s) if s == value => {}
            Some(s) => notes.extend(differences(&key, &s, &value)),
        }
    }
    Ok(notes)
}

fn differences(key: &str, server: &str, source: &str) -> Vec<String> {
    use serde_json::Value;
    if key == "audit_salt" {
        return vec![
            "设置 audit_salt：与服务器不同，保留服务器的（本机审计记录按原样保存在迁入章节中）"
                .to_owned(),
        ];
    }
    match (
        serde_json::from_str::<Value>(server),
        serde_json::from_str::<Value>(source),
    ) {
        (Ok(Value::Object(s)), Ok(Value::Object(w))) => {
            let mut keys: Vec<&String> = s.keys().chain(w.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| s.get(*k) != w.get(*k))
                .map(|k| {
                    let show =
                        |v: Option<&Value>| v.map_or_else(|| "（无）".to_owned(), Value::to_string);
                    format!(
                        "设置 {key}.{k}：服务器 {}，本机 {}，保留服务器的",
                        show(s.get(k)),
                        show(w.get(k))
                    )
                })
                .collect()
        }
        _ => vec![format!("设置 {key}：与服务器不同，保留服务器的")],
    }
}
