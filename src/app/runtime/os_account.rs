//! Who ran a command-line operation: the operating-system account and the
//! host. The command line has no clerk signed in; on SQLite, access to the
//! database file is the gate, so the audit names the account that had it.
//! (Environment variables can be set by that same account: this records who
//! claims to have run it, as the OS tells the process.)

/// `root@ws-01`: the OS account and host of this process.
pub fn os_actor() -> String {
    format!("{}@{}", user(), host())
}

fn user() -> String {
    let from_env = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()));
    from_env.unwrap_or_else(fallback_user)
}

#[cfg(unix)]
fn fallback_user() -> String {
    // SAFETY: getuid has no preconditions and cannot fail.
    format!("uid{}", unsafe { libc::getuid() })
}

#[cfg(not(unix))]
fn fallback_user() -> String {
    "未知账号".to_owned()
}

/// This PC's host name (the workstation a row came from in office mode).
pub fn host() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; the result is NUL-terminated
        // when it fits, and we stop at the first NUL either way.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let name = String::from_utf8_lossy(&buf[..end]).into_owned();
            if !name.is_empty() {
                return name;
            }
        }
    }
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "未知主机".to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_an_account_and_a_host() {
        let a = super::os_actor();
        let (user, host) = a.split_once('@').unwrap();
        assert!(!user.is_empty() && !host.is_empty(), "{a}");
    }
}
