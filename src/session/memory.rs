//! Memory budgets of the commands that query the lake (`analyze`, `score`, `report`,
//! `run`, `sql`, `serve`): one pool for the process, the share of it kept views may
//! hold, and a smaller budget per `serve` connection inside it.
//!
//! DataFusion's operators reserve their hash tables, sort buffers and aggregation
//! state from a [`MemoryPool`]; sorts and aggregations spill to the temporary folder
//! when a reservation is refused, a hash join fails with "Resources exhausted". Without
//! a pool one self-join of `raw` took 3 GB in 8 s and the server was killed with every
//! client on it. [`MemoryBudget`] parses what the command line says (`4G`, `512M`,
//! `50%` of the machine; [`DEFAULT_LIMIT`] when nothing is said); [`ConnectionPool`]
//! charges one connection's reservations to its own limit and to the shared pool at
//! once, so one client cannot take the memory of all the others, and [`view_budget`]
//! does the same for the views a session keeps (docs/design.md section 9).

use std::num::NonZeroUsize;
use std::sync::Arc;

use datafusion::error::Result as DfResult;
use datafusion::execution::memory_pool::{
    GreedyMemoryPool, MemoryConsumer, MemoryLimit, MemoryPool, MemoryReservation,
    TrackConsumersPool,
};

/// `--memory-limit` when neither it nor `TRAILCHECK_MEMORY_LIMIT` is given (docs/design.md
/// section 9 says why this figure).
pub const DEFAULT_LIMIT: &str = "2G";

/// A memory size given on the command line: bytes, or a share of the machine's memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MemoryBudget {
    Bytes(usize),
    /// Percent of the machine's physical memory.
    Percent(f64),
}

impl MemoryBudget {
    /// `4G`, `512M`, `64K`, `1048576` (bytes; binary units, an optional trailing `B`
    /// or `iB`), or `50%` of physical memory.
    pub fn parse(text: &str) -> std::result::Result<MemoryBudget, String> {
        let t = text.trim();
        let bad = || {
            format!(
                "expected a size such as 4G, 512M or 50% (of this machine's memory), not {text:?}"
            )
        };
        if let Some(p) = t.strip_suffix('%') {
            let p: f64 = p.trim().parse().map_err(|_| bad())?;
            if !(p > 0.0 && p <= 100.0) {
                return Err(format!(
                    "a memory share is more than 0% and at most 100%, not {text:?}"
                ));
            }
            return Ok(MemoryBudget::Percent(p));
        }
        let upper = t.to_ascii_uppercase();
        let upper = upper
            .strip_suffix("IB")
            .or_else(|| upper.strip_suffix('B'))
            .unwrap_or(&upper);
        let (digits, unit) = match upper.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            Some((i, _)) => upper.split_at(i),
            None => (upper, ""),
        };
        let n: usize = digits.parse().map_err(|_| bad())?;
        let scale: usize = match unit.trim() {
            "" => 1,
            "K" => 1 << 10,
            "M" => 1 << 20,
            "G" => 1 << 30,
            "T" => 1 << 40,
            _ => return Err(bad()),
        };
        let bytes = n
            .checked_mul(scale)
            .ok_or_else(|| format!("{text:?} is too large"))?;
        if bytes < (1 << 20) {
            return Err(format!(
                "a memory limit below 1M cannot run a query, not {text:?}"
            ));
        }
        Ok(MemoryBudget::Bytes(bytes))
    }

    /// The budget in bytes on this machine.
    pub fn bytes(self) -> usize {
        match self {
            MemoryBudget::Bytes(b) => b,
            MemoryBudget::Percent(p) => ((physical_memory() as f64) * p / 100.0) as usize,
        }
    }
}

impl std::str::FromStr for MemoryBudget {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        MemoryBudget::parse(s)
    }
}

impl std::fmt::Display for MemoryBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MemoryBudget::Bytes(b) => write!(f, "{}M", b >> 20),
            MemoryBudget::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// Physical memory from `/proc/meminfo` (4 GiB where that cannot be read).
fn physical_memory() -> usize {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
            kib.checked_mul(1024)
        })
        .unwrap_or(4 << 30)
}

/// The process's pool: refuses reservations beyond `bytes`, and names the largest
/// consumers when it does.
pub fn process_pool(bytes: usize) -> Arc<dyn MemoryPool> {
    Arc::new(TrackConsumersPool::new(
        GreedyMemoryPool::new(bytes),
        NonZeroUsize::new(3).expect("3 is not zero"),
    ))
}

/// What the session's kept views ([`super::views::CachedView`]) may hold in memory
/// together: `bytes` (by default half of the session's limit, so that the other half
/// stays for the operators of the queries that read them), charged to `pool` as well.
/// A view that does not fit is kept in the temporary folder instead.
pub fn view_budget(pool: Arc<dyn MemoryPool>, bytes: usize) -> Arc<dyn MemoryPool> {
    Arc::new(ConnectionPool::new(pool, bytes / 2))
}

/// One connection's budget: every reservation counts against `own` and against the
/// shared pool, and is refused when either is full.
#[derive(Debug)]
pub struct ConnectionPool {
    shared: Arc<dyn MemoryPool>,
    own: GreedyMemoryPool,
    limit: usize,
}

impl ConnectionPool {
    pub fn new(shared: Arc<dyn MemoryPool>, limit: usize) -> Self {
        ConnectionPool {
            shared,
            own: GreedyMemoryPool::new(limit),
            limit,
        }
    }
}

impl std::fmt::Display for ConnectionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "connection budget of {} MB ({} MB reserved) within {}",
            self.limit >> 20,
            self.own.reserved() >> 20,
            self.shared
        )
    }
}

impl MemoryPool for ConnectionPool {
    fn name(&self) -> &str {
        "trailcheck-connection"
    }

    fn register(&self, consumer: &MemoryConsumer) {
        self.shared.register(consumer);
    }

    fn unregister(&self, consumer: &MemoryConsumer) {
        self.shared.unregister(consumer);
    }

    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        self.own.grow(reservation, additional);
        self.shared.grow(reservation, additional);
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        self.own.shrink(reservation, shrink);
        self.shared.shrink(reservation, shrink);
    }

    fn try_grow(&self, reservation: &MemoryReservation, additional: usize) -> DfResult<()> {
        self.own.try_grow(reservation, additional)?;
        if let Err(e) = self.shared.try_grow(reservation, additional) {
            self.own.shrink(reservation, additional);
            return Err(e);
        }
        Ok(())
    }

    fn reserved(&self) -> usize {
        self.own.reserved()
    }

    fn memory_limit(&self) -> MemoryLimit {
        MemoryLimit::Finite(self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_nonsense_is_refused() {
        assert_eq!(MemoryBudget::parse("4G"), Ok(MemoryBudget::Bytes(4 << 30)));
        assert_eq!(
            MemoryBudget::parse("512m"),
            Ok(MemoryBudget::Bytes(512 << 20))
        );
        assert_eq!(
            MemoryBudget::parse("2GiB"),
            Ok(MemoryBudget::Bytes(2 << 30))
        );
        assert_eq!(MemoryBudget::parse("25%"), Ok(MemoryBudget::Percent(25.0)));
        for bad in [
            "",
            "G",
            "-1G",
            "4X",
            "0%",
            "150%",
            "100",
            "99999999999999999999T",
        ] {
            assert!(MemoryBudget::parse(bad).is_err(), "{bad}");
        }
        assert!(MemoryBudget::Percent(50.0).bytes() > 0);
    }

    #[test]
    fn a_connection_is_held_to_its_own_limit_and_the_shared_one() {
        let shared = process_pool(10 << 20);
        let a = Arc::new(ConnectionPool::new(shared.clone(), 6 << 20)) as Arc<dyn MemoryPool>;
        let b = Arc::new(ConnectionPool::new(shared.clone(), 6 << 20)) as Arc<dyn MemoryPool>;
        let ra = MemoryConsumer::new("a").register(&a);
        let rb = MemoryConsumer::new("b").register(&b);
        ra.try_grow(5 << 20).unwrap();
        // Over a's own limit.
        assert!(ra.try_grow(2 << 20).is_err());
        // Within b's limit but over what the shared pool has left; nothing stays held.
        assert!(rb.try_grow(6 << 20).is_err());
        assert_eq!(b.reserved(), 0);
        rb.try_grow(4 << 20).unwrap();
        assert_eq!(shared.reserved(), 9 << 20);
        drop(ra);
        assert_eq!(shared.reserved(), 4 << 20);
    }
}
