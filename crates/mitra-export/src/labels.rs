//! The words of an exported document, in English and Indonesian (the
//! Indonesian terms are the ones the partnership literature uses: *tujuan
//! bersama*, *peran dan tanggung jawab*, *rencana komunikasi*, ...).

use mitra_model::{
    ActionStatus, ContributionKind, DecisionMethod, GoalStatus, Language, Level, PartnershipType,
    Raci, ResourceKind, RiskCategory, Sector,
};

/// The languages exports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Id,
}

impl Lang {
    /// Indonesian for [`Language::Indonesian`], English for everything else.
    pub(crate) fn of(language: &Language) -> Self {
        match language {
            Language::Indonesian => Self::Id,
            _ => Self::En,
        }
    }

    pub(crate) fn labels(self) -> &'static Labels {
        match self {
            Self::En => &EN,
            Self::Id => &ID,
        }
    }
}

/// Fixed words and phrases.
pub(crate) struct Labels {
    pub charter: &'static str,
    pub untitled_partnership: &'static str,
    pub purpose: &'static str,
    pub vision: &'static str,
    pub principles: &'static str,
    pub partners: &'static str,
    pub partner: &'static str,
    pub sector: &'static str,
    pub brings: &'static str,
    pub representatives: &'static str,
    pub roles: &'static str,
    pub raci_legend: &'static str,
    pub whole_partnership: &'static str,
    pub role: &'static str,
    pub responsibility: &'static str,
    pub goals: &'static str,
    pub status: &'static str,
    pub owners: &'static str,
    pub smart: &'static str,
    pub specific: &'static str,
    pub measurable: &'static str,
    pub achievable: &'static str,
    pub relevant: &'static str,
    pub time_bound: &'static str,
    pub indicators: &'static str,
    pub indicator: &'static str,
    pub unit: &'static str,
    pub baseline: &'static str,
    pub target: &'static str,
    pub latest: &'static str,
    pub progress: &'static str,
    pub measurements: &'static str,
    pub date: &'static str,
    pub value: &'static str,
    pub source: &'static str,
    pub note: &'static str,
    pub feedback: &'static str,
    pub communication: &'static str,
    pub cadence: &'static str,
    pub channels: &'static str,
    pub channel: &'static str,
    pub channel_purpose: &'static str,
    pub run_by: &'static str,
    pub information_duties: &'static str,
    pub person: &'static str,
    pub what_they_share: &'static str,
    pub risks: &'static str,
    pub risk: &'static str,
    pub category: &'static str,
    pub likelihood: &'static str,
    pub impact: &'static str,
    pub mitigations: &'static str,
    pub resources: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
    pub provided_by: &'static str,
    pub amount: &'static str,
    pub total: &'static str,
    pub sustainability: &'static str,
    pub meetings: &'static str,
    pub when: &'static str,
    pub meeting: &'static str,
    pub document: &'static str,
    pub problems: &'static str,
    pub problems_intro: &'static str,
    pub exported: &'static str,
    pub minutes: &'static str,
    pub untitled_meeting: &'static str,
    pub partnership: &'static str,
    pub attendees: &'static str,
    pub agenda: &'static str,
    pub item: &'static str,
    pub presenter: &'static str,
    pub duration: &'static str,
    pub minutes_unit: &'static str,
    pub done: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub notes: &'static str,
    pub decisions: &'static str,
    pub decision: &'static str,
    pub method: &'static str,
    pub goal: &'static str,
    pub actions: &'static str,
    pub task: &'static str,
    pub owner: &'static str,
    pub due: &'static str,
    pub number: &'static str,
    pub at: &'static str,
    pub time_separator: &'static str,
    pub months: [&'static str; 12],
    pub weekdays: [&'static str; 7],
    pub thousands: char,
    pub decimal: char,
}

pub(crate) static EN: Labels = Labels {
    charter: "Partnership charter",
    untitled_partnership: "Untitled partnership",
    purpose: "Purpose",
    vision: "Shared vision",
    principles: "Principles",
    partners: "Partners",
    partner: "Partner",
    sector: "Sector",
    brings: "What it brings",
    representatives: "Representatives",
    roles: "Roles and responsibilities",
    raci_legend: "R = responsible (does the work) · A = accountable (answers for the result) · C = consulted · I = informed",
    whole_partnership: "Whole partnership",
    role: "Role",
    responsibility: "What they do",
    goals: "Goals (SMART)",
    status: "Status",
    owners: "Owners",
    smart: "SMART",
    specific: "Specific",
    measurable: "Measurable",
    achievable: "Achievable",
    relevant: "Relevant",
    time_bound: "Time-bound",
    indicators: "Indicators",
    indicator: "Indicator",
    unit: "Unit",
    baseline: "Baseline",
    target: "Target",
    latest: "Latest",
    progress: "Progress",
    measurements: "measurements",
    date: "Date",
    value: "Value",
    source: "Source",
    note: "Note",
    feedback: "Feedback",
    communication: "Communication plan",
    cadence: "How often we meet",
    channels: "Channels",
    channel: "Channel",
    channel_purpose: "Used for",
    run_by: "Run by",
    information_duties: "Who shares what",
    person: "Person",
    what_they_share: "What they share",
    risks: "Challenges and risks",
    risk: "Risk",
    category: "Category",
    likelihood: "Likelihood",
    impact: "Impact",
    mitigations: "Mitigations",
    resources: "Resources",
    kind: "Kind",
    description: "Description",
    provided_by: "Provided by",
    amount: "Amount",
    total: "Total",
    sustainability: "Sustainability",
    meetings: "Meetings",
    when: "When",
    meeting: "Meeting",
    document: "Document",
    problems: "Data notes",
    problems_intro: "While reading this document, Mitra noticed the following (values shown above may be defaults):",
    exported: "Exported from Mitra.",
    minutes: "Meeting minutes",
    untitled_meeting: "Untitled meeting",
    partnership: "Partnership",
    attendees: "Attendees",
    agenda: "Agenda",
    item: "Item",
    presenter: "Presenter",
    duration: "Time",
    minutes_unit: "min",
    done: "Done",
    yes: "yes",
    no: "no",
    notes: "Notes",
    decisions: "Decisions",
    decision: "Decision",
    method: "How decided",
    goal: "Goal",
    actions: "Action items",
    task: "Task",
    owner: "Owner",
    due: "Due",
    number: "No.",
    at: "",
    time_separator: ":",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    thousands: ',',
    decimal: '.',
};

pub(crate) static ID: Labels = Labels {
    charter: "Piagam kemitraan",
    untitled_partnership: "Kemitraan tanpa nama",
    purpose: "Tujuan bersama",
    vision: "Visi bersama",
    principles: "Prinsip",
    partners: "Mitra",
    partner: "Mitra",
    sector: "Sektor",
    brings: "Kontribusi",
    representatives: "Perwakilan",
    roles: "Peran dan tanggung jawab",
    raci_legend: "R = pelaksana (mengerjakan) · A = penanggung jawab (bertanggung jawab atas hasil) · C = dimintai pendapat · I = diberi informasi",
    whole_partnership: "Seluruh kemitraan",
    role: "Peran",
    responsibility: "Tugas",
    goals: "Tujuan dan sasaran (SMART)",
    status: "Status",
    owners: "Pemilik tujuan",
    smart: "SMART",
    specific: "Spesifik",
    measurable: "Terukur",
    achievable: "Dapat dicapai",
    relevant: "Relevan",
    time_bound: "Terikat waktu",
    indicators: "Indikator pemantauan dan evaluasi",
    indicator: "Indikator",
    unit: "Satuan",
    baseline: "Nilai awal",
    target: "Target",
    latest: "Terbaru",
    progress: "Kemajuan",
    measurements: "hasil pengukuran",
    date: "Tanggal",
    value: "Nilai",
    source: "Sumber",
    note: "Catatan",
    feedback: "Masukan",
    communication: "Rencana komunikasi",
    cadence: "Frekuensi pertemuan",
    channels: "Saluran komunikasi",
    channel: "Saluran",
    channel_purpose: "Kegunaan",
    run_by: "Pengelola",
    information_duties: "Siapa menyampaikan apa",
    person: "Nama",
    what_they_share: "Informasi yang disampaikan",
    risks: "Tantangan dan risiko",
    risk: "Risiko",
    category: "Kategori",
    likelihood: "Kemungkinan",
    impact: "Dampak",
    mitigations: "Mitigasi",
    resources: "Sumber daya",
    kind: "Jenis",
    description: "Keterangan",
    provided_by: "Dari",
    amount: "Jumlah",
    total: "Total",
    sustainability: "Keberlanjutan",
    meetings: "Rapat rutin",
    when: "Waktu",
    meeting: "Rapat",
    document: "Dokumen",
    problems: "Catatan data",
    problems_intro: "Saat membaca dokumen ini, Mitra menemukan hal berikut (nilai di atas mungkin nilai bawaan):",
    exported: "Diekspor dari Mitra.",
    minutes: "Notulen rapat",
    untitled_meeting: "Rapat tanpa judul",
    partnership: "Kemitraan",
    attendees: "Peserta",
    agenda: "Agenda",
    item: "Pokok bahasan",
    presenter: "Penyaji",
    duration: "Durasi",
    minutes_unit: "menit",
    done: "Selesai",
    yes: "ya",
    no: "belum",
    notes: "Catatan rapat",
    decisions: "Keputusan",
    decision: "Keputusan",
    method: "Cara memutuskan",
    goal: "Tujuan",
    actions: "Tindak lanjut",
    task: "Tugas",
    owner: "Penanggung jawab",
    due: "Tenggat",
    number: "No.",
    at: "pukul ",
    time_separator: ".",
    months: [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    weekdays: [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    ],
    thousands: '.',
    decimal: ',',
};

impl Lang {
    pub(crate) fn partnership_type(self, t: &PartnershipType) -> String {
        use PartnershipType as T;
        let (en, id) = match t {
            T::ServiceDelivery => ("Service delivery", "Penyediaan layanan"),
            T::Advocacy => ("Advocacy", "Advokasi"),
            T::Research => ("Research", "Riset"),
            T::CapacityBuilding => ("Capacity building", "Peningkatan kapasitas"),
            T::MultiSector => ("Multi-sector", "Multisektor"),
            T::Network => ("Network", "Jaringan"),
            T::Virtual => ("Virtual", "Virtual"),
            T::DataDriven => ("Data-driven", "Berbasis data"),
            T::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn sector(self, s: &Sector) -> String {
        let (en, id) = match s {
            Sector::Nonprofit => ("Nonprofit", "Organisasi nirlaba"),
            Sector::Business => ("Business", "Bisnis"),
            Sector::Government => ("Government", "Badan pemerintahan"),
            Sector::Community => ("Community group", "Kelompok masyarakat"),
            Sector::Education => ("Education", "Lembaga pendidikan"),
            Sector::Health => ("Health", "Layanan kesehatan"),
            Sector::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn contribution(self, k: &ContributionKind) -> String {
        use ContributionKind as K;
        let (en, id) = match k {
            K::Funding => ("Funding", "Pendanaan"),
            K::Expertise => ("Expertise", "Keahlian"),
            K::Infrastructure => ("Infrastructure", "Infrastruktur"),
            K::Network => ("Network", "Jaringan"),
            K::LocalKnowledge => ("Local knowledge", "Pengetahuan lokal"),
            K::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    /// The one-letter RACI code (R, A, C, I), or the stored value.
    pub(crate) fn raci_letter(self, r: &Raci) -> String {
        match r {
            Raci::Responsible => "R".into(),
            Raci::Accountable => "A".into(),
            Raci::Consulted => "C".into(),
            Raci::Informed => "I".into(),
            Raci::Other(s) => s.clone(),
        }
    }

    pub(crate) fn raci(self, r: &Raci) -> String {
        let (en, id) = match r {
            Raci::Responsible => ("Responsible", "Pelaksana"),
            Raci::Accountable => ("Accountable", "Penanggung jawab"),
            Raci::Consulted => ("Consulted", "Dimintai pendapat"),
            Raci::Informed => ("Informed", "Diberi informasi"),
            Raci::Other(s) => return s.clone(),
        };
        format!("{} ({})", self.pick(en, id), self.raci_letter(r))
    }

    pub(crate) fn goal_status(self, s: &GoalStatus) -> String {
        let (en, id) = match s {
            GoalStatus::Proposed => ("Proposed", "Diusulkan"),
            GoalStatus::Agreed => ("Agreed", "Disepakati"),
            GoalStatus::InProgress => ("In progress", "Sedang berjalan"),
            GoalStatus::Achieved => ("Achieved", "Tercapai"),
            GoalStatus::Dropped => ("Dropped", "Dihentikan"),
            GoalStatus::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn risk_category(self, c: &RiskCategory) -> String {
        use RiskCategory as C;
        let (en, id) = match c {
            C::ConflictingPriorities => ("Conflicting priorities", "Prioritas yang bertentangan"),
            C::PowerImbalance => ("Power imbalance", "Ketidakseimbangan kekuasaan"),
            C::LackOfResources => ("Lack of resources", "Kurangnya sumber daya"),
            C::CommunicationBreakdown => ("Communication breakdown", "Komunikasi yang buruk"),
            C::Sustainability => ("Sustainability", "Keberlanjutan"),
            C::CulturalDifferences => ("Cultural differences", "Perbedaan budaya"),
            C::LackOfTrust => ("Lack of trust", "Kurangnya kepercayaan"),
            C::Funding => ("Funding", "Pendanaan"),
            C::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn level(self, l: &Level) -> String {
        let (en, id) = match l {
            Level::Low => ("Low", "Rendah"),
            Level::Medium => ("Medium", "Sedang"),
            Level::High => ("High", "Tinggi"),
            Level::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn resource_kind(self, k: &ResourceKind) -> String {
        let (en, id) = match k {
            ResourceKind::PooledFunding => ("Pooled funding", "Dana bersama"),
            ResourceKind::InKind => ("In-kind", "Kontribusi nontunai"),
            ResourceKind::Grant => ("Grant", "Hibah"),
            ResourceKind::EarnedIncome => ("Earned income", "Pendapatan usaha"),
            ResourceKind::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn decision_method(self, m: &DecisionMethod) -> String {
        let (en, id) = match m {
            DecisionMethod::Consensus => ("Consensus", "Musyawarah mufakat"),
            DecisionMethod::Vote => ("Vote", "Pemungutan suara"),
            DecisionMethod::Consent => ("Consent (no objection)", "Tanpa keberatan"),
            DecisionMethod::Delegated => ("Delegated", "Didelegasikan"),
            DecisionMethod::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    pub(crate) fn action_status(self, s: &ActionStatus) -> String {
        let (en, id) = match s {
            ActionStatus::Open => ("Open", "Belum dimulai"),
            ActionStatus::InProgress => ("In progress", "Sedang dikerjakan"),
            ActionStatus::Done => ("Done", "Selesai"),
            ActionStatus::Cancelled => ("Cancelled", "Dibatalkan"),
            ActionStatus::Other(s) => return s.clone(),
        };
        self.pick(en, id)
    }

    fn pick(self, en: &str, id: &str) -> String {
        match self {
            Self::En => en,
            Self::Id => id,
        }
        .to_owned()
    }
}
