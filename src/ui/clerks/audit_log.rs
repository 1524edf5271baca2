//! 审计日志 (supervisors and administrators): the newest rows with their
//! targets named, and the chain check; a broken row is highlighted.

use std::any::Any;

use eframe::egui::{self, RichText};

use crate::app::clerks::audit_view;
use crate::app::clerks::audit_view::AuditEntry;
use crate::app::runtime::clock;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::Response;
use crate::domain::clerks::audit::AuditVerdict;
use crate::ui::kit::theme;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;

/// Rows shown (the newest).
const TAIL: usize = 200;

#[derive(Default)]
pub struct AuditLog {
    pub rows: Vec<AuditEntry>,
    pub loaded: bool,
    pub verdict: Option<AuditVerdict>,
}

impl AuditLog {
    fn refresh(out: &mut Outbox) {
        out.send(Request::Audit(audit_view::Req::Tail { limit: TAIL }));
    }

    fn broken_seq(&self) -> Option<i64> {
        match &self.verdict {
            Some(AuditVerdict::Broken { seq, .. }) => Some(*seq),
            _ => None,
        }
    }
}

impl Screen for AuditLog {
    fn on_open(&mut self, _cx: &ScreenCx<'_>, out: &mut Outbox) {
        Self::refresh(out);
    }

    fn on_reply(&mut self, reply: Response, _out: &mut Outbox) {
        match reply {
            Response::Audit(audit_view::Resp::Rows(rows)) => {
                self.rows = rows;
                self.loaded = true;
            }
            Response::Audit(audit_view::Resp::Verdict(v)) => self.verdict = Some(v),
            _ => {}
        }
    }

    fn show(&mut self, ui: &mut egui::Ui, _cx: &ScreenCx<'_>, out: &mut Outbox) {
        ui.heading("审计日志");
        ui.horizontal(|ui| {
            if ui.button("校验哈希链").clicked() {
                out.send(Request::Audit(audit_view::Req::Verify));
            }
            if ui.button("刷新").clicked() {
                Self::refresh(out);
            }
            match &self.verdict {
                Some(AuditVerdict::Intact { rows }) => {
                    ui.label(
                        RichText::new(format!("✓ 哈希链完整，共 {rows} 条记录。")).color(theme::OK),
                    );
                }
                Some(AuditVerdict::Broken { seq, reason }) => {
                    ui.label(
                        RichText::new(format!(
                            "× 第 {seq} 条记录起哈希链断裂：{reason}。请立即报告信息科。"
                        ))
                        .color(theme::ERROR),
                    );
                }
                None => {}
            }
        });
        ui.label(
            RichText::new(format!(
                "日志只增不改；每条记录含上一条的哈希，任何修改、删除或调换都会被发现。显示最近 {TAIL} 条。"
            ))
            .small()
            .color(theme::MUTED),
        );
        ui.add_space(6.0);
        if !self.loaded {
            ui.label("正在读取…");
            return;
        }
        let broken = self.broken_seq();
        egui::Grid::new("audit_grid")
            .num_columns(6)
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for h in ["序号", "时间", "操作人", "操作", "对象", "哈希"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for r in &self.rows {
                    let bad = broken.is_some_and(|b| r.seq >= b);
                    let text = |s: String| {
                        let t = RichText::new(s);
                        if bad {
                            t.color(theme::ERROR).strong()
                        } else {
                            t
                        }
                    };
                    ui.label(text(if bad {
                        format!("⚠ {}", r.seq)
                    } else {
                        r.seq.to_string()
                    }));
                    ui.label(text(clock::fmt_second(r.at)));
                    ui.label(text(if r.actor.is_empty() {
                        "—".to_owned()
                    } else {
                        r.actor.clone()
                    }));
                    let action = r.action.map(|a| a.label()).unwrap_or(&r.action_code);
                    ui.label(text(if r.detail.is_empty() {
                        action.to_owned()
                    } else {
                        format!("{action}（{}）", r.detail)
                    }));
                    ui.label(text(if r.target.is_empty() {
                        "—".to_owned()
                    } else {
                        r.target.clone()
                    }));
                    ui.label(
                        RichText::new(&r.hash[..r.hash.len().min(12)])
                            .monospace()
                            .color(if bad { theme::ERROR } else { theme::MUTED }),
                    );
                    ui.end_row();
                }
            });
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
