//! Processes a fault test runs beside the in-process server: the real `sugit`
//! binary, a private Redis and a private PostgreSQL cluster. Each is killed
//! (and its folder removed) on drop, even when the test panics, and none of
//! them touches the machine's shared PostgreSQL or Redis.

use std::{
    io::{Read, Seek, SeekFrom},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const POSTGRES_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A port nobody listens on right now (the OS picks it; it stays free until used).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// A temporary folder, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("sugit-{label}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("temporary folder");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process, SIGKILLed and reaped on drop.
#[derive(Debug)]
pub struct KilledOnDrop(Option<std::process::Child>);

impl KilledOnDrop {
    pub fn spawn(command: &mut Command, what: &str) -> Self {
        Self(Some(command.spawn().unwrap_or_else(|error| panic!("no se pudo iniciar {what}: {error}"))))
    }

    /// `kill -9`, then waits for the process to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The exit status if the process has ended (without waiting).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.0.as_mut().and_then(|child| child.try_wait().ok().flatten())
    }

    /// Waits until the process ends by itself, up to `limit` (then kills it and panics).
    pub fn wait_for_exit(&mut self, limit: Duration, what: &str) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.exited() {
                self.0 = None;
                return status;
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("{what} no terminó en {} s", limit.as_secs());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The `sugit` binary of this build (tests run from `target/<profile>/deps/`,
/// the binary sits in `target/<profile>/`), brought up to date first:
/// `cargo nextest run` builds the tests, not the binary, and a binary left
/// from an earlier build would test old code. With the tests just built this
/// compiles at most the binary (same units and features as the test build).
pub fn sugit_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_sugit).clone()
}

fn build_sugit() -> PathBuf {
    let test = std::env::current_exe().expect("the test executable's path");
    let profile_dir =
        test.parent().and_then(Path::parent).expect("the test executable lives in target/<profile>/deps");
    let target_dir = profile_dir.parent().expect("target/<profile>");
    let binary = profile_dir.join(format!("sugit{}", std::env::consts::EXE_SUFFIX));
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds tests/");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // Not `--tests`: built with the dev profile they would be rebuilt, again and again, by both.
    command.current_dir(workspace).env("CARGO_TARGET_DIR", target_dir).args([
        "build",
        "--workspace",
        "--bins",
    ]);
    match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            command.arg("--release");
        }
        Some(profile) => {
            command.args(["--profile", profile]);
        }
    }
    // What cargo set for this test (its package's name, manifest…) is not the
    // outer build's environment: build scripts that watch it (ring's) would
    // rebuild half the dependencies here, and again in the next test build.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let per_package = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
            "CARGO_TARGET_TMPDIR",
            "NEXTEST",
        ];
        if per_package.iter().any(|prefix| name.starts_with(prefix)) {
            command.env_remove(name.as_ref());
        }
    }
    let built = command.stdin(Stdio::null()).output();
    let problem = match &built {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(String::from_utf8_lossy(&output.stderr).into_owned()),
        Err(error) => Some(error.to_string()),
    };
    assert!(
        problem.is_none() && binary.is_file(),
        "no está el binario {} y no se pudo compilar (`cargo build --workspace --bins`): {}",
        binary.display(),
        problem.unwrap_or_default()
    );
    binary
}

/// A `sugit` command with only the environment given (none of the caller's `SUGIT_*`).
pub fn sugit_command(env: &[(&str, String)]) -> Command {
    let mut command = Command::new(sugit_binary());
    command.env_clear().stdin(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.env("RUST_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// The end of a log file, to explain a failure.
pub fn log_tail(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(path) {
        let length = file.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = file.seek(SeekFrom::Start(length.saturating_sub(4_000)));
        let _ = file.read_to_string(&mut text);
    }
    text
}

/// `sugit serve` as its own process, on a port of its own.
#[derive(Debug)]
pub struct SugitServer {
    process: KilledOnDrop,
    pub address: String,
    pub log: PathBuf,
}

impl SugitServer {
    /// Starts the server with `env` (database, Redis, index folder…) on `port`,
    /// logging to `log`; `wait_ready` says when it serves.
    pub fn start(env: &[(&str, String)], port: u16, log: &Path) -> Self {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("log file");
        let mut command = sugit_command(env);
        command
            .arg("serve")
            .env("SUGIT_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(file);
        let process = KilledOnDrop::spawn(&mut command, "el servidor sugit");
        Self { process, address: format!("http://127.0.0.1:{port}"), log: log.to_owned() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Polls `/readyz` until it answers 200, up to `limit`.
    pub async fn wait_ready(&mut self, client: &reqwest::Client, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.process.exited() {
                panic!("el servidor terminó al iniciar ({status}):\n{}", log_tail(&self.log));
            }
            let ready = client
                .get(self.url("/readyz"))
                .timeout(Duration::from_secs(5))
                .send()
                .await
                .is_ok_and(|response| response.status() == reqwest::StatusCode::OK);
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "el servidor no estuvo listo en {} s:\n{}",
                limit.as_secs(),
                log_tail(&self.log)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `kill -9`: no shutdown, no flush, no goodbye.
    pub fn kill(&mut self) {
        self.process.kill();
    }
}

/// A program this harness needs, or `None` (the test is skipped) when the
/// machine lacks it and services are not required.
fn program(path: &str) -> Option<PathBuf> {
    let found = if path.contains('/') {
        Some(PathBuf::from(path)).filter(|p| p.is_file())
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths).map(|dir| dir.join(path)).find(|candidate| candidate.is_file())
        })
    };
    if found.is_none() {
        super::unavailable(path, "no está instalado");
    }
    found
}

/// A Redis of the test's own, on a port of its own, nothing persisted.
#[derive(Debug)]
pub struct PrivateRedis {
    process: KilledOnDrop,
    pub port: u16,
}

impl PrivateRedis {
    pub async fn start() -> Option<Self> {
        program("redis-server")?;
        Some(Self::start_on(free_port()).await)
    }

    /// Starts (again) on `port` and waits until it answers PING.
    pub async fn start_on(port: u16) -> Self {
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let process = KilledOnDrop::spawn(&mut command, "redis-server");
        let redis = Self { process, port };
        let deadline = Instant::now() + Duration::from_secs(15);
        while redis.ping().await.is_err() {
            assert!(Instant::now() < deadline, "el Redis privado no respondió en el puerto {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn connection(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        let client = redis::Client::open(self.url())?;
        client.get_multiplexed_async_connection().await
    }

    pub async fn ping(&self) -> redis::RedisResult<String> {
        let mut connection = self.connection().await?;
        redis::cmd("PING").query_async(&mut connection).await
    }

    /// The keys under `prefix`.
    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let Ok(mut connection) = self.connection().await else { return Vec::new() };
        redis::cmd("KEYS").arg(format!("{prefix}*")).query_async(&mut connection).await.unwrap_or_default()
    }

    /// Kills the server (as a crash would: SIGKILL).
    pub fn stop(&mut self) {
        self.process.kill();
    }
}

/// A PostgreSQL cluster of the test's own: its own folder, port and socket,
/// fsync off. As root, `initdb` and `pg_ctl` run as the `postgres` user.
#[derive(Debug)]
pub struct PrivatePostgres {
    dir: TempDir,
    pub port: u16,
}

impl PrivatePostgres {
    /// Creates and starts the cluster; `None` when PostgreSQL is not installed
    /// and services are not required.
    pub fn start() -> Option<Self> {
        program(&format!("{POSTGRES_BIN}/initdb"))?;
        let dir = TempDir::new("pg");
        let cluster = Self { dir, port: free_port() };
        if is_root() {
            // The server refuses to run as root; its files must be the postgres user's.
            run(Command::new("chown").arg("postgres:").arg(cluster.dir.path()), "chown");
        }
        cluster.pg(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        );
        cluster.resume();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs one of PostgreSQL's programs, as the postgres user when we are root.
    fn pg(&self, program: &str, args: &[&str]) {
        run(pg_command(program).args(args).current_dir(self.dir.path()), program);
    }

    /// Starts the server (again, on the same data and port) and waits until it accepts connections.
    pub fn resume(&self) {
        // fsync off only risks data if the machine itself crashes; commits stay
        // synchronous, so an immediate stop (a crash of the server) loses nothing.
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log").display().to_string();
        self.pg("pg_ctl", &["-D", &self.data(), "-l", &log, "-o", &options, "-w", "-t", "60", "start"]);
    }

    /// Stops the server at once, as a crash would (`pg_ctl stop -m immediate`).
    pub fn stop_immediately(&self) {
        self.pg("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "-t", "60", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

/// One of PostgreSQL's programs, run as the postgres user when we are root
/// (initdb and the server refuse to run as root).
fn pg_command(program: &str) -> Command {
    let path = format!("{POSTGRES_BIN}/{program}");
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", &path]);
        command
    } else {
        Command::new(&path)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        // Stopped already (or never started) is fine: the folder goes either way.
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = pg_command("pg_ctl")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// Runs a setup command to its end; its output explains a failure.
fn run(command: &mut Command, what: &str) {
    // Output is captured, not inherited: a daemon keeping the test's pipes open would hang the runner.
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("no se pudo ejecutar {what}: {error}"));
    assert!(
        output.status.success(),
        "{what} falló ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
