//! 审计日志 (supervisors and administrators): the newest rows and a chain check.

use eframe::egui::{self, RichText};

use super::app::Outbox;
use super::theme;
use crate::app::clock;
use crate::app::worker::Request;
use crate::store::{AuditRow, AuditVerdict};

#[derive(Default)]
pub struct AuditState {
    pub rows: Vec<AuditRow>,
    pub loaded: bool,
    pub verdict: Option<AuditVerdict>,
}

impl AuditState {
    pub fn set_rows(&mut self, rows: Vec<AuditRow>) {
        self.rows = rows;
        self.loaded = true;
    }
    pub fn set_verdict(&mut self, v: AuditVerdict) {
        self.verdict = Some(v);
    }
}

pub fn show(ui: &mut egui::Ui, st: &mut AuditState, out: &mut Outbox) {
    ui.heading("审计日志");
    ui.horizontal(|ui| {
        if ui.button("校验哈希链").clicked() {
            out.send(Request::VerifyAudit);
        }
        if ui.button("刷新").clicked() {
            out.send(Request::AuditTail { limit: 200 });
        }
        match &st.verdict {
            Some(AuditVerdict::Intact { rows }) => {
                ui.label(RichText::new(format!("✓ 哈希链完整，共 {rows} 条记录")).color(theme::OK));
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
    ui.label(RichText::new("日志只增不改；每条记录含上一条的哈希，任何修改、删除或调换都会被发现。显示最近 200 条。").small().color(theme::MUTED));
    ui.add_space(6.0);
    if !st.loaded {
        ui.label("正在读取…");
        return;
    }
    egui::Grid::new("audit_grid")
        .num_columns(6)
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for h in ["序号", "时间", "操作人", "操作", "对象", "哈希"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for r in &st.rows {
                ui.label(r.seq.to_string());
                ui.label(clock::fmt_second(r.at));
                ui.label(if r.actor.is_empty() { "—" } else { &r.actor });
                let action = r.action.map(|a| a.label()).unwrap_or(&r.action_code);
                if r.detail.is_empty() {
                    ui.label(action);
                } else {
                    ui.label(format!("{action}（{}）", r.detail));
                }
                ui.label(&r.target);
                ui.label(
                    RichText::new(&r.hash[..r.hash.len().min(12)])
                        .monospace()
                        .color(theme::MUTED),
                );
                ui.end_row();
            }
        });
}
