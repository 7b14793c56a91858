//! CPU time and memory of a process, from Linux's /proc.

use anyhow::{Context, Result, bail};

/// One reading of a process's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    /// User plus system CPU seconds of all the process's threads so far.
    pub cpu_seconds: f64,
}

/// Clock ticks per second, as `getconf CLK_TCK` says (100 where it cannot be asked).
pub fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|&t| t > 0.0)
        .unwrap_or(100.0)
}

/// Reads utime + stime of `pid` ("self" for this process).
pub fn cpu(pid: &str, ticks: f64) -> Result<CpuSample> {
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    cpu_from_stat(&text, ticks)
        .map(|cpu_seconds| CpuSample { cpu_seconds })
        .with_context(|| format!("parsing {path}"))
}

fn cpu_from_stat(text: &str, ticks: f64) -> Result<f64> {
    // The command name (field 2) is in parentheses and may hold spaces:
    // count fields from the last ')'. Field 3 (state) is index 0 there, so
    // utime (field 14) is index 11 and stime (field 15) index 12.
    let Some(close) = text.rfind(')') else {
        bail!("no ')' in stat");
    };
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let field = |i: usize| -> Result<f64> {
        fields
            .get(i)
            .context("stat too short")?
            .parse::<f64>()
            .context("stat field is not a number")
    };
    Ok((field(11)? + field(12)?) / ticks)
}

/// Memory of a process: peak and current resident set, in KiB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    /// VmHWM: the peak resident set size.
    pub peak_rss_kib: u64,
    /// VmRSS: the resident set size now.
    pub rss_kib: u64,
}

/// Reads VmHWM and VmRSS of `pid`.
pub fn memory(pid: &str) -> Result<Memory> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let kib = |key: &str| -> Result<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {key} in {path}"))
    };
    Ok(Memory {
        peak_rss_kib: kib("VmHWM:")?,
        rss_kib: kib("VmRSS:")?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_stat_line_with_spaces_in_the_name() {
        let line = "1234 (node (main) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0";
        assert_eq!(cpu_from_stat(line, 100.0).unwrap(), 3.0);
    }

    #[test]
    fn reads_this_process() {
        let ticks = clock_ticks();
        assert!(cpu("self", ticks).unwrap().cpu_seconds >= 0.0);
        let m = memory("self").unwrap();
        assert!(m.peak_rss_kib >= m.rss_kib && m.rss_kib > 0);
    }
}
