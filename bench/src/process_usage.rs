//! Memory and CPU use of another process, from `/proc` (Linux), and this process's open-files
//! limit.

use procfs::process::Process;

/// Resident set size of process `pid` in bytes (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_bytes(pid: u32) -> u64 {
    let status = process(pid).status().expect("/proc/<pid>/status");
    status.vmrss.expect("VmRSS") * 1024
}

/// CPU time process `pid` has used so far, user plus system, in seconds (`utime` and `stime`
/// of `/proc/<pid>/stat`).
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = process(pid).stat().expect("/proc/<pid>/stat");
    (stat.utime + stat.stime) as f64 / procfs::ticks_per_second() as f64
}

/// Bytes process `pid` has caused to be written to storage so far (`write_bytes` of
/// `/proc/<pid>/io`).
pub fn written_bytes(pid: u32) -> u64 {
    process(pid).io().expect("/proc/<pid>/io").write_bytes
}

/// Raises this process's soft limit on open files to its hard limit (children inherit it);
/// returns the limit now in force.
pub fn raise_open_files_limit() -> u64 {
    rlimit::increase_nofile_limit(u64::MAX).expect("RLIMIT_NOFILE")
}

fn process(pid: u32) -> Process {
    let pid = i32::try_from(pid).expect("pid fits i32");
    Process::new(pid).unwrap_or_else(|e| panic!("/proc/{pid}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(rss_bytes(pid) > 0);
        assert!(cpu_seconds(pid) >= 0.0);
        written_bytes(pid);
        assert!(raise_open_files_limit() > 0);
    }
}
