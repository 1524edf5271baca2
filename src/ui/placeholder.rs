//! Screens that later issues build say so plainly: no fake content.

use eframe::egui::{self, RichText};

use super::screen::Screen;
use super::theme;

/// What each unbuilt screen will do, in one sentence.
fn purpose(screen: Screen) -> &'static str {
    match screen {
        Screen::ReviewQueue => {
            "处理电子驾驶证申领、换照片、期满换证后更新等申请：认领、通过或按标准理由退回，1 个工作日内办结。"
        }
        Screen::PersonRegistration => {
            "个人用户面签注册：核对身份证明原件，录入姓名、证件号码和手机号。"
        }
        Screen::CompanyRegistration => {
            "单位用户面签注册：核对营业执照（统一社会信用代码）或组织机构代码证、委托书和经办人身份证明。"
        }
        _ => "",
    }
}

pub fn show(ui: &mut egui::Ui, screen: Screen) {
    ui.heading(screen.title());
    ui.add_space(8.0);
    ui.label(
        RichText::new("本功能尚未建设，当前版本不可用。")
            .color(theme::WARN)
            .strong(),
    );
    ui.add_space(4.0);
    ui.label(RichText::new(format!("建成后：{}", purpose(screen))).color(theme::MUTED));
}
