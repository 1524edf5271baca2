//! Writes the demo clerks into a database file (used by tools/bench/startup.sh so
//! the timed runs open straight onto the login screen).
//!   cargo run --release --example seed_demo -- PATH

fn main() -> anyhow::Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: seed_demo PATH"))?;
    let mut store = counterdesk::store::Store::open(std::path::Path::new(&path))?;
    counterdesk::app::demo::seed(&mut store, chrono::Utc::now())?;
    Ok(())
}
