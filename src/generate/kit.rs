//! What every provider's generator (`src/providers/<name>/generate.rs`) is written with:
//! the fixed evidence window, the [`Plan`] of one provider's share, the [`Output`] and
//! its streaming container writer ([`ArrayFile`]), the spread of events over days
//! ([`Schedule`]) and planted cases ([`walk`]), and the seeded [`Rng`]. It knows no
//! provider: [`super`] runs the generators the providers' descriptors name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng};

use crate::error::{Error, Result};

/// What a provider's generator exposes (the `generator` of its
/// [`crate::providers::Provider`]).
#[derive(Clone, Copy)]
pub struct Generator {
    /// The provider's own random stream, mixed into the seed, and its place in the order
    /// `--provider all` runs in: fixed per provider, so that adding one leaves the others'
    /// output as it was. Unique (tests/it/registry.rs checks).
    pub stream: u64,
    /// Write this provider's share of the events.
    pub generate: fn(&Plan, &mut Output) -> Result<()>,
}

/// Last day of the evidence window (UTC), fixed so output is reproducible.
pub const END_DATE: (i32, u32, u32) = (2026, 10, 31);
/// Days in the evidence window: longer than the default `dormant_days` (90) so that
/// dormancy verdicts are `confirmed`.
pub const WINDOW_DAYS: u32 = 180;
const DAY_MICROS: i64 = 86_400_000_000;

/// What one run wrote.
#[derive(Debug, Clone, Default)]
pub struct GenerateSummary {
    pub files: u64,
    pub events: u64,
    /// Bytes on disk (compressed where the container is gzip).
    pub bytes: u64,
    /// Bytes of JSON before compression.
    pub json_bytes: u64,
    /// Per provider: name and events.
    pub providers: Vec<(&'static str, u64)>,
}

/// One provider's share of the work.
pub struct Plan {
    /// Events for this provider, over all tenants.
    pub events: u64,
    pub tenants: u32,
    pub seed: u64,
    /// The provider's [`Generator::stream`] (mixed into the seed).
    pub index: u64,
}

impl Plan {
    /// Events for tenant `t`: an even split, the remainder to the first tenants.
    pub fn tenant_events(&self, t: u32) -> u64 {
        let k = u64::from(self.tenants);
        self.events / k + u64::from(u64::from(t) < self.events % k)
    }

    /// A random source for tenant `t` of this provider, independent of the others.
    pub fn rng(&self, t: u32) -> Rng {
        let mix = self
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(self.index << 32 | u64::from(t));
        Rng(StdRng::seed_from_u64(mix))
    }
}

/// Where files go, and the running totals.
pub struct Output {
    pub(super) root: PathBuf,
    pub(super) summary: GenerateSummary,
}

impl Output {
    /// Open a container file at `rel` (below `--out`).
    pub fn open(&mut self, rel: &Path, container: Container) -> Result<ArrayFile> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let inner = if container.gzip {
            // Fast compression: CloudTrail's own files are not tightly packed either.
            Sink::Gz(GzEncoder::new(
                BufWriter::with_capacity(1 << 16, file),
                Compression::fast(),
            ))
        } else {
            Sink::Plain(BufWriter::with_capacity(1 << 16, file))
        };
        let mut f = ArrayFile {
            path,
            inner,
            container,
            records: 0,
            json_bytes: 0,
        };
        f.put(container.prefix.as_bytes())?;
        Ok(f)
    }

    /// Write one tenant's events ([`walk`]) into container files of at most
    /// `max_per_file` records, each closed at its day's end. `path(rng, day, time, part)`
    /// names a new file (`part` counts from 1 within a day); `record` formats one event.
    #[allow(clippy::too_many_arguments)]
    pub fn write_tenant<K>(
        &mut self,
        events: u64,
        planted: Vec<Planted<K>>,
        rng: &mut Rng,
        container: Container,
        max_per_file: u64,
        mut path: impl FnMut(&mut Rng, u32, i64, u32) -> PathBuf,
        mut record: impl FnMut(&mut String, &mut Rng, i64, Option<&K>),
    ) -> Result<()> {
        self.write_streams(
            events,
            planted,
            rng,
            container,
            max_per_file,
            Period::Day,
            |_rng, _planted| 0,
            |rng, _stream, day, time, part| path(rng, day, time, part),
            |buf, rng, time, planted, _stream| record(buf, rng, time, planted),
        )
    }

    /// Like [`Output::write_tenant`], for exports that write several logs side by side
    /// (one per log type, category or application, as Cloud Storage sinks and Azure
    /// diagnostic settings do): `route(rng, planted)` picks the stream (0, 1, ..) of the
    /// next event before it is formatted, `path(rng, stream, day, time, part)` names a
    /// new file of that stream (`part` counts from 1 within the stream's period) and
    /// `record(buf, rng, time, planted, stream)` formats the event. Each stream has at
    /// most one file open, closed when it holds `max_per_file` records, when an event of
    /// a later `period` arrives, and at the day's end; so memory stays bounded by the
    /// number of streams.
    #[allow(clippy::too_many_arguments)]
    pub fn write_streams<K>(
        &mut self,
        events: u64,
        planted: Vec<Planted<K>>,
        rng: &mut Rng,
        container: Container,
        max_per_file: u64,
        period: Period,
        mut route: impl FnMut(&mut Rng, Option<&K>) -> usize,
        mut path: impl FnMut(&mut Rng, usize, u32, i64, u32) -> PathBuf,
        mut record: impl FnMut(&mut String, &mut Rng, i64, Option<&K>, usize),
    ) -> Result<()> {
        // Per stream: the open file and its period, and the last period and part used.
        let mut open: Vec<Option<(ArrayFile, i64)>> = Vec::new();
        let mut parts: Vec<(i64, u32)> = Vec::new();
        let mut buf = String::with_capacity(4096);
        walk(events, planted, rng, |rng, step| match step {
            Step::Event { day, time, planted } => {
                let s = route(rng, planted);
                if open.len() <= s {
                    open.resize_with(s + 1, || None);
                    parts.resize(s + 1, (i64::MIN, 0));
                }
                let p = period.index(time);
                if open[s]
                    .as_ref()
                    .is_some_and(|(f, fp)| *fp != p || f.records() >= max_per_file)
                {
                    let (f, _) = open[s].take().expect("open");
                    self.close(f)?;
                }
                if open[s].is_none() {
                    let part = if parts[s].0 == p { parts[s].1 + 1 } else { 1 };
                    parts[s] = (p, part);
                    let f = self.open(&path(rng, s, day, time, part), container)?;
                    open[s] = Some((f, p));
                }
                buf.clear();
                record(&mut buf, rng, time, planted, s);
                open[s].as_mut().expect("open").0.record(&buf)
            }
            Step::DayEnd(_) => {
                for slot in open.iter_mut() {
                    if let Some((f, _)) = slot.take() {
                        self.close(f)?;
                    }
                }
                Ok(())
            }
        })
    }

    /// Close a container file and count it.
    pub fn close(&mut self, mut f: ArrayFile) -> Result<()> {
        f.put(f.container.suffix.as_bytes())?;
        let path = f.path.clone();
        let io = |e| Error::io(&path, e);
        let file = match f.inner {
            Sink::Gz(g) => g.finish().map_err(io)?,
            Sink::Plain(p) => p,
        };
        let file = file.into_inner().map_err(|e| io(e.into_error()))?;
        let bytes = file.metadata().map_err(io)?.len();
        self.summary.files += 1;
        self.summary.events += f.records;
        self.summary.bytes += bytes;
        self.summary.json_bytes += f.json_bytes;
        Ok(())
    }
}

/// The text around and between the records of one file.
#[derive(Debug, Clone, Copy)]
pub struct Container {
    pub prefix: &'static str,
    pub separator: &'static str,
    pub suffix: &'static str,
    pub gzip: bool,
}

/// How often a stream of [`Output::write_streams`] starts a new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Hour,
}

impl Period {
    /// The period `micros` falls in (days or hours since the epoch).
    fn index(self, micros: i64) -> i64 {
        match self {
            Period::Day => micros.div_euclid(DAY_MICROS),
            Period::Hour => micros.div_euclid(3_600_000_000),
        }
    }
}

enum Sink {
    Gz(GzEncoder<BufWriter<File>>),
    Plain(BufWriter<File>),
}

/// One output file being written: a JSON container filled record by record.
pub struct ArrayFile {
    path: PathBuf,
    inner: Sink,
    container: Container,
    records: u64,
    json_bytes: u64,
}

impl ArrayFile {
    fn put(&mut self, b: &[u8]) -> Result<()> {
        let r = match &mut self.inner {
            Sink::Gz(g) => g.write_all(b),
            Sink::Plain(p) => p.write_all(b),
        };
        self.json_bytes += b.len() as u64;
        r.map_err(|e| Error::io(&self.path, e))
    }

    /// Append one record (already formatted JSON).
    pub fn record(&mut self, json: &str) -> Result<()> {
        if self.records > 0 {
            self.put(self.container.separator.as_bytes())?;
        }
        self.put(json.as_bytes())?;
        self.records += 1;
        Ok(())
    }

    pub fn records(&self) -> u64 {
        self.records
    }
}

/// The start of window day `d` (0 = first day), in microseconds since the epoch.
pub fn day_start(d: u32) -> i64 {
    let (y, m, dd) = END_DATE;
    let end = chrono::NaiveDate::from_ymd_opt(y, m, dd)
        .expect("END_DATE is a date")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_micros();
    end - i64::from(WINDOW_DAYS - 1 - d) * DAY_MICROS
}

/// Calendar date of window day `d`: (year, month, day).
pub fn day_date(d: u32) -> (i32, u32, u32) {
    use chrono::Datelike;
    let t = chrono::DateTime::from_timestamp_micros(day_start(d)).expect("in range");
    (t.year(), t.month(), t.day())
}

/// Format microseconds as `2026-05-01T07:48:13Z` (`millis`: with `.213`).
pub fn timestamp(micros: i64, millis: bool) -> String {
    let t = chrono::DateTime::from_timestamp_micros(micros).expect("in range");
    if millis {
        t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// Format microseconds with `digits` (0 to 9) of fraction and then `zone` (`Z`,
/// `+00:00`): `2026-05-01T07:48:13.2130000Z` for `digits` 7, as Azure writes them.
/// Digits past the microsecond are zero.
pub fn timestamp_digits(micros: i64, digits: usize, zone: &str) -> String {
    let t = chrono::DateTime::from_timestamp_micros(micros).expect("in range");
    let mut s = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    if digits > 0 {
        let frac = format!("{:06}000", micros.rem_euclid(1_000_000));
        s.push('.');
        s.push_str(&frac[..digits.min(9)]);
    }
    s.push_str(zone);
    s
}

/// How a tenant's background events are spread over the window: weekdays busier than
/// weekends, and a slow growth over the window. Counts come from cumulative weights, so
/// they add up to exactly the total without holding a list.
pub struct Schedule {
    total: u64,
    weight_sum: u64,
}

impl Schedule {
    pub fn new(total: u64) -> Self {
        let weight_sum = (0..WINDOW_DAYS).map(Self::weight).sum();
        Schedule { total, weight_sum }
    }

    fn weight(d: u32) -> u64 {
        use chrono::Datelike;
        let t = chrono::DateTime::from_timestamp_micros(day_start(d)).expect("in range");
        let base = match t.weekday() {
            chrono::Weekday::Sat | chrono::Weekday::Sun => 7,
            _ => 20,
        };
        base * (100 + u64::from(d) / 3)
    }

    fn cumulative(&self, d: u32) -> u64 {
        let w: u64 = (0..d).map(Self::weight).sum();
        ((u128::from(self.total) * u128::from(w)) / u128::from(self.weight_sum.max(1))) as u64
    }

    /// Background events on day `d`.
    pub fn count(&self, d: u32) -> u64 {
        self.cumulative(d + 1) - self.cumulative(d)
    }
}

/// A planted event: its time and what the provider should write.
#[derive(Debug, Clone)]
pub struct Planted<K> {
    pub time: i64,
    pub kind: K,
}

/// A planted event at window day `d`, `h` hours and `m` minutes into it.
pub fn at<K>(d: u32, h: i64, m: i64, kind: K) -> Planted<K> {
    Planted {
        time: day_start(d) + (h * 3600 + m * 60) * 1_000_000,
        kind,
    }
}

/// One step of [`walk`].
pub enum Step<'a, K> {
    /// An event at `time` on window day `day`: planted (`Some`) or background.
    Event {
        day: u32,
        time: i64,
        planted: Option<&'a K>,
    },
    /// Window day `day` is over (close or roll files).
    DayEnd(u32),
}

/// Walk one tenant's window day by day: planted events (when the tenant's share is large
/// enough to hold them all) merged in time order with `events - planted` background
/// events at increasing times.
pub fn walk<K>(
    events: u64,
    mut planted: Vec<Planted<K>>,
    rng: &mut Rng,
    mut step: impl FnMut(&mut Rng, Step<'_, K>) -> Result<()>,
) -> Result<()> {
    if (planted.len() as u64) > events {
        planted.clear();
    }
    planted.sort_by_key(|p| p.time);
    let schedule = Schedule::new(events - planted.len() as u64);
    let mut next = 0;
    for day in 0..WINDOW_DAYS {
        let start = day_start(day);
        let n = schedule.count(day);
        // Background event i falls in slot i of n equal slots of the day, at a random
        // point of it: increasing, and uniform over the day.
        let slot = DAY_MICROS / (n.max(1) as i64);
        for i in 0..n {
            let time = start + i as i64 * slot + rng.below(slot.max(1) as u64) as i64;
            while next < planted.len() && planted[next].time <= time {
                let p = &planted[next];
                step(
                    rng,
                    Step::Event {
                        day,
                        time: p.time,
                        planted: Some(&p.kind),
                    },
                )?;
                next += 1;
            }
            step(
                rng,
                Step::Event {
                    day,
                    time,
                    planted: None,
                },
            )?;
        }
        let end = start + DAY_MICROS;
        while next < planted.len() && planted[next].time < end {
            let p = &planted[next];
            step(
                rng,
                Step::Event {
                    day,
                    time: p.time,
                    planted: Some(&p.kind),
                },
            )?;
            next += 1;
        }
        step(rng, Step::DayEnd(day))?;
    }
    Ok(())
}

/// The seeded random source, with the few draws the generators need.
pub struct Rng(StdRng);

impl Rng {
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n.max(1))
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.0.random_bool(p)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// An index drawn by integer weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if r < u64::from(*w) {
                return i;
            }
            r -= u64::from(*w);
        }
        weights.len() - 1
    }
    pub fn u64(&mut self) -> u64 {
        self.0.random()
    }
    /// A random (version 4) UUID.
    pub fn uuid(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.0.random()).into_uuid()
    }
    /// `n` characters from `alphabet`.
    pub fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char)
            .collect()
    }
    /// A public-looking IPv4 address in one of the documentation ranges, or from a
    /// small pool of "office" and "cloud" prefixes.
    pub fn ip(&mut self) -> String {
        const PREFIXES: &[&str] = &[
            "198.51.100",
            "203.0.113",
            "192.0.2",
            "100.64.12",
            "52.94.133",
            "34.228.17",
        ];
        format!("{}.{}", self.pick(PREFIXES), 1 + self.below(254))
    }
}

/// Upper and lower letters and digits (ids of Okta objects, request ids).
pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Base32 upper case (AWS key ids).
pub const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Browser user agents of people.
pub const BROWSER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
];

/// People: (first, last).
pub const PEOPLE: &[(&str, &str)] = &[
    ("Dana", "Whitfield"),
    ("Priya", "Raman"),
    ("Marcus", "Oyelaran"),
    ("Kenji", "Watanabe"),
    ("Sofia", "Marchetti"),
    ("Wei", "Li"),
    ("Ayesha", "Khan"),
    ("Jordan", "Lee"),
    ("Olivia", "Brown"),
    ("Ethan", "Clark"),
    ("Lena", "Fischer"),
    ("Noah", "Smith"),
    ("Harper", "Jones"),
    ("Mateo", "Garcia"),
    ("Amara", "Okafor"),
    ("Lucas", "Martin"),
];

/// Tenant `t`'s short organisation name.
pub fn org_name(t: u32) -> String {
    const ORGS: &[&str] = &[
        "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell",
    ];
    let base = ORGS[t as usize % ORGS.len()];
    if (t as usize) < ORGS.len() {
        base.to_string()
    } else {
        format!("{base}{}", t as usize / ORGS.len() + 1)
    }
}
