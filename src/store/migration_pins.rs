//! Released migrations run the same SQL forever: every step's text, on both
//! backends, is pinned here by its SHA-256. A refactor of how the texts are
//! written (shared pieces, `concat!`) must leave every hash as it is; a new
//! step adds its hash at the end.

use super::sha256_hex;

const SQLITE: &[&str] = &[
    "0d58967e962164a49258c93ebdb882cbbd0ae01ddb558b708e9377dbed862d38",
    "dc86af1190ca4752a4275d2f51512b6a63e54fbad3db07f59a070d4f012672d1",
    "8450f9e862c564042a53bf4b3fd6c7758460510d65e0c8ad030a87c0592257b6",
    "d9f483d59bc7698a697359bdb65806c752c3bd4937cfb357d26cc8792829259c",
    "635dc50e36d7c234188e6c41a28ac2d370a29308cabc8930b580deb1354f691d",
    "bcfcd27fbe7ed8c84076e9733fa0871ceed2e768193bae4e958ca0fab807fd0a",
    "71c9662b506cec679420a68509fb63e9040c3f48ecf2363a5c77e02e1e531fea",
    "589b1c445db9a6dd61b9bd5dbfccf4623a979dd298e4b4748065bb3c5549edf3",
    "b7beb1683488b58c16144a58fb793d5a500f401f5727b601468a26fc488331db",
    "5967975417153f899d816a5f3c4801e9999604c6bea5969f487201abd21013c3",
    "91dda73ce689cb5684ed99826cc5fdde598cb520f52a6d4bd4576c1b6bac911d",
    "e9085932046d72a4a4d6bfcd657ca2f5a651324916486d48008c86ce6a3c235d",
    "5967975417153f899d816a5f3c4801e9999604c6bea5969f487201abd21013c3",
    "5aae3f38a74963c4f1cf29c779cf4116762d91e42db9d67a1287b88db4f09ae9",
    "5967975417153f899d816a5f3c4801e9999604c6bea5969f487201abd21013c3",
    "5967975417153f899d816a5f3c4801e9999604c6bea5969f487201abd21013c3",
];

const POSTGRES: &[&str] = &[
    "969fa9fe96f941639dd0ff84caf7ee81c837eb25e1244dc288de808c83d961a1",
    "f0d9d1dabde4a5b1c32a9ac74ff74251c27db7a605bd1c3b7bc7c92fb0987f88",
    "026234e4f769e7949f72cda0069a8eabea9a2ce417909f5c46bd8c8cbe4341ba",
    "9b95b50837158e3672e8361e6d8ec5c50054fd24a7b4a5970fcaace33076e109",
    "96ac0e00443e447dc04307673ce514da3d189a0dbc02b0db5274204507f35e53",
    "aa99c18d1f8d3fd3c52755c9655e185f835638ba0c3941eda0e36ba3e3883136",
    "71c9662b506cec679420a68509fb63e9040c3f48ecf2363a5c77e02e1e531fea",
    "4ef67d1aa09a273e52a6a57ca5ce36d580ac03ce69d02b698acd2ba0805db322",
    "a990c0896e396c2343c0dd6e99f898949d9eb7de8438c6068b9dd4a101f52678",
    "f8ccb031959ad3133cd098a6f2bec555c29b1a853429380b77b498998d816032",
    "8055dfe56c5488d41265f9b237173bbda8b18789fcb2e968366d68c02f904cfa",
    "fb3a42cd715a33faacecee23cd10349d5e375442e568eb13476fe0123224e5ea",
    "9cf24cef0fc00da403c0aa5da05768a72d9e10ec8d8de8675ea9d0eed0cf6f90",
    "92989094766fd068bc906bc05f3746a204355b6d7648b136bb49e50171bb567b",
    "9b17b576f5e35e80a12c8bf3bd781615f2308816dcc84f22e861cca80dea63e7",
    "bf1422744b79ccbc4367ea70eb6e0e9de903c5713f6a16bf17de7acc8fcd8361",
];

fn check(backend: &str, steps: &[&str], pinned: &[&str]) {
    let now: Vec<String> = steps.iter().map(|s| sha256_hex(s.as_bytes())).collect();
    let listed: String = now.iter().map(|h| format!("    \"{h}\",\n")).collect();
    assert_eq!(
        now, pinned,
        "{backend}: a migration's SQL text changed; the hashes now are:\n{listed}"
    );
}

#[test]
fn sqlite_steps_are_unchanged() {
    check("SQLite", super::sqlite::migrations::MIGRATIONS, SQLITE);
}

#[test]
fn postgres_steps_are_unchanged() {
    check(
        "PostgreSQL",
        super::postgres::migrations::MIGRATIONS,
        POSTGRES,
    );
}
