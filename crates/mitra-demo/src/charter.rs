//! The demo charter.

use mitra_model::Level::{High, Medium};
use mitra_model::{
    Channel, Charter, CommunicationPlan, Contribution, ContributionKind, Feedback, Goal,
    GoalStatus, Indicator, InformationDuty, Measurement, MeetingLink, Mitigation, Partner,
    PartnershipType, Principle, Raci, Representative, Resource, ResourceKind, Risk, RiskCategory,
    RoleAssignment, Sector, Smart, Text,
};

use crate::{DemoIds, Tr};

/// When the charter document was written (2026-01-05 09:00 in Jakarta), in
/// seconds since the Unix epoch.
pub(crate) const CREATED_AT: i64 = 1_767_578_400;

pub(crate) const DLH: &str = "p-dlh";
pub(crate) const APHS: &str = "p-aphs";
pub(crate) const NGO: &str = "p-udara-kita";
pub(crate) const CAMPUS: &str = "p-its";
pub(crate) const RESIDENTS: &str = "p-fwpu";

pub(crate) const G_PM25: &str = "g-pm25";
pub(crate) const G_SENSORS: &str = "g-sensors";
pub(crate) const G_HOUSEHOLDS: &str = "g-households";
pub(crate) const G_SCHOOLS: &str = "g-schools";

pub(crate) fn charter(tr: Tr, ids: &DemoIds) -> Charter {
    let t = |en: &str, id: &str| tr.t(en, id);
    let mut c = Charter::new(
        t(
            "Clean Air Sukamaju Partnership",
            "Kemitraan Udara Bersih Sukamaju",
        ),
        tr.language(),
    );
    c.purpose = Text::new(t(
        "Sukamaju's air is among the most polluted of any mid-sized city in the province: in 2024 the annual mean of fine particulate matter (PM2.5) was 41.2 µg/m³, more than eight times the WHO guideline and well above the national standard of 15 µg/m³. The main sources are traffic, small industries and the open burning of household waste. Children and older people bear the brunt, and the residents most exposed have the least information.\n\n\
         No single organisation can fix this. The city has the mandate but not the monitoring network; businesses control a large share of the emissions; the university can measure and analyse; the foundation and the residents' forum know the neighbourhoods and are trusted there. This partnership brings them together to measure the air, act on its main sources, and make sure every household knows how to protect itself.",
        "Udara Sukamaju termasuk yang paling tercemar di antara kota-kota menengah di provinsi ini: pada 2024 rata-rata tahunan partikel halus (PM2.5) mencapai 41,2 µg/m³, lebih dari delapan kali pedoman WHO dan jauh di atas baku mutu nasional 15 µg/m³. Sumber utamanya adalah lalu lintas, industri kecil, dan pembakaran sampah rumah tangga secara terbuka. Anak-anak dan lansia paling menderita, sementara warga yang paling terpapar justru paling sedikit mendapat informasi.\n\n\
         Tidak ada satu organisasi pun yang dapat mengatasinya sendiri. Pemerintah kota memiliki mandat tetapi tidak memiliki jaringan pemantauan; dunia usaha menyumbang sebagian besar emisi; kampus mampu mengukur dan menganalisis; yayasan dan forum warga mengenal lingkungan permukiman dan dipercaya warganya. Kemitraan ini menyatukan mereka untuk mengukur kualitas udara, menangani sumber-sumber utamanya, dan memastikan setiap rumah tangga tahu cara melindungi diri.",
    ));
    c.vision = Text::new(t(
        "By the end of 2026, Sukamaju's residents breathe measurably cleaner air, can see the air quality in their own neighbourhood in real time, and know what to do on bad-air days; and the city, businesses and communities decide together, on shared data, how to keep it that way.",
        "Pada akhir 2026, warga Sukamaju menghirup udara yang terbukti lebih bersih, dapat melihat kualitas udara di lingkungannya secara langsung, dan tahu apa yang harus dilakukan saat udara buruk; sementara pemerintah kota, dunia usaha, dan masyarakat memutuskan bersama, berdasarkan data yang sama, cara menjaganya.",
    ));
    c.types = vec![
        PartnershipType::MultiSector,
        PartnershipType::DataDriven,
        PartnershipType::Advocacy,
    ];
    c.principles = principles(tr);
    c.partners = partners(tr);
    c.roles = roles(tr);
    c.goals = goals(tr);
    c.communication = communication(tr);
    c.risks = risks(tr);
    c.resources = resources(tr);
    c.sustainability = Text::new(t(
        "The partnership is built to outlast its first grant. From 2026 the city budget is to carry sensor maintenance and the daily air alerts: the agency has proposed them as a regular budget line. Member companies of the association can adopt a sensor for IDR 4.5 million a year, which covers its replacement and data costs.\n\n\
         Knowledge stays in the community: the air cadres are trained to train others, and in 2026 the university hands the dashboard over to the agency's data team with full documentation. The partners review this plan every year at the December steering meeting.",
        "Kemitraan ini dirancang agar tetap berjalan setelah hibah pertamanya berakhir. Mulai 2026, pemeliharaan sensor dan peringatan kualitas udara harian direncanakan masuk APBD: DLH telah mengusulkannya sebagai mata anggaran tetap. Perusahaan anggota asosiasi dapat mengadopsi satu sensor dengan biaya Rp4,5 juta per tahun, yang mencakup biaya penggantian dan data.\n\n\
         Pengetahuan tetap tinggal di masyarakat: para kader udara dilatih untuk melatih kader lain, dan pada 2026 kampus menyerahkan dasbor kepada tim data DLH beserta dokumentasi lengkap. Para mitra meninjau rencana ini setiap tahun dalam rapat pengarah bulan Desember.",
    ));
    c.meetings = vec![
        MeetingLink {
            id: "ml-2025-q3".into(),
            url: ids.meetings[0].url(),
            title: t(
                "Quarterly steering meeting – Q3 2025",
                "Rapat pengarah triwulan III 2025",
            ),
            start: "2025-09-16T09:30:00+07:00".into(),
        },
        MeetingLink {
            id: "ml-2025-review".into(),
            url: ids.meetings[1].url(),
            title: t(
                "Year-end review and 2026 plan",
                "Tinjauan akhir tahun dan rencana 2026",
            ),
            start: "2025-12-09T13:00:00+07:00".into(),
        },
    ];
    c
}

fn principles(tr: Tr) -> Vec<Principle> {
    let p = |id: &str, title: (&str, &str), description: (&str, &str)| Principle {
        id: id.into(),
        title: tr.t(title.0, title.1),
        description: tr.t(description.0, description.1),
    };
    vec![
        p(
            "pr-shared-goal",
            ("Shared goal", "Tujuan bersama"),
            (
                "Every activity is judged by one question: does it make Sukamaju's air cleaner or its residents safer?",
                "Setiap kegiatan dinilai dengan satu pertanyaan: apakah kegiatan ini membuat udara Sukamaju lebih bersih atau warganya lebih terlindungi?",
            ),
        ),
        p(
            "pr-shared-leadership",
            ("Shared leadership", "Kepemimpinan bersama"),
            (
                "The chair of the steering meeting rotates between the partners every quarter, and every partner has one vote, whatever its size or budget.",
                "Pimpinan rapat pengarah bergilir di antara mitra setiap triwulan, dan setiap mitra memiliki satu suara, berapa pun besar organisasi atau anggarannya.",
            ),
        ),
        p(
            "pr-transparency",
            ("Transparency", "Transparansi"),
            (
                "All measurements are published on the open dashboard within a week, including those that show no progress.",
                "Semua hasil pengukuran dipublikasikan di dasbor terbuka paling lambat satu minggu, termasuk yang tidak menunjukkan kemajuan.",
            ),
        ),
        p(
            "pr-accountability",
            ("Accountability", "Akuntabilitas"),
            (
                "Every goal has one accountable partner and every action item an owner and a due date; progress is reported at every monthly meeting.",
                "Setiap tujuan memiliki satu mitra penanggung jawab dan setiap tindak lanjut memiliki pelaksana serta tenggat; kemajuan dilaporkan di setiap rapat bulanan.",
            ),
        ),
        p(
            "pr-mutual-benefit",
            ("Mutual benefit", "Saling menguntungkan"),
            (
                "Each partner gains what it could not achieve alone: data for the city, credible green commitments for businesses, evidence for advocacy, research for the university, a voice for residents.",
                "Setiap mitra memperoleh sesuatu yang tidak dapat dicapainya sendiri: data bagi pemerintah kota, komitmen hijau yang kredibel bagi dunia usaha, bukti untuk advokasi, bahan riset bagi kampus, dan suara bagi warga.",
            ),
        ),
        p(
            "pr-inclusion",
            ("Inclusion", "Inklusi"),
            (
                "Materials are written in plain language, and residents' representatives take part in every meeting, with their transport costs reimbursed.",
                "Materi ditulis dengan bahasa yang mudah dipahami, dan perwakilan warga ikut serta dalam setiap rapat dengan biaya transportasi yang diganti.",
            ),
        ),
    ]
}

fn partners(tr: Tr) -> Vec<Partner> {
    let t = |en: &str, id: &str| tr.t(en, id);
    let contribution = |id: &str, kind: ContributionKind, en: &str, idn: &str| Contribution {
        id: id.into(),
        kind,
        description: tr.t(en, idn),
    };
    let person = |id: &str, name: &str, role: (&str, &str), email: Option<&str>| Representative {
        id: id.into(),
        name: name.into(),
        role: tr.t(role.0, role.1),
        email: email.map(Into::into),
    };

    let mut dlh = Partner::new(
        DLH,
        t(
            "Sukamaju City Environment Agency (DLH)",
            "Dinas Lingkungan Hidup Kota Sukamaju (DLH)",
        ),
        Sector::Government,
    );
    dlh.contributions = vec![
        contribution(
            "c-dlh-stations",
            ContributionKind::Infrastructure,
            "Two reference-grade monitoring stations and the city's air-quality data system",
            "Dua stasiun pemantau kualitas udara berstandar referensi dan sistem data kualitas udara kota",
        ),
        contribution(
            "c-dlh-budget",
            ContributionKind::Funding,
            "IDR 350 million a year from the city budget for sensor maintenance and outreach",
            "Rp350 juta per tahun dari APBD untuk pemeliharaan sensor dan sosialisasi",
        ),
        contribution(
            "c-dlh-network",
            ContributionKind::Network,
            "Access to sub-district offices and schools through the city government, and the mandate to enforce emission rules",
            "Akses ke kantor kecamatan dan sekolah melalui pemerintah kota, serta kewenangan menegakkan aturan emisi",
        ),
    ];
    dlh.representatives = vec![
        person(
            "r-rina",
            "Rina Wulandari",
            (
                "Head of Air Quality Division",
                "Kepala Bidang Pengendalian Pencemaran Udara",
            ),
            Some("rina.wulandari@dlh.sukamaju.example"),
        ),
        person(
            "r-agus",
            "Agus Prasetyo",
            ("Environmental data analyst", "Analis data lingkungan"),
            Some("agus.prasetyo@dlh.sukamaju.example"),
        ),
    ];

    let mut aphs = Partner::new(
        APHS,
        t(
            "Sukamaju Green Business Association (APHS)",
            "Asosiasi Pengusaha Hijau Sukamaju (APHS)",
        ),
        Sector::Business,
    );
    aphs.contributions = vec![
        contribution(
            "c-aphs-csr",
            ContributionKind::Funding,
            "Co-funding of 60 low-cost sensors and 36 classroom air purifiers from member companies' CSR budgets",
            "Pendanaan bersama 60 sensor murah dan 36 penjernih udara kelas dari dana CSR perusahaan anggota",
        ),
        contribution(
            "c-aphs-members",
            ContributionKind::Network,
            "142 member companies, including the city's three largest bus and truck fleet operators",
            "142 perusahaan anggota, termasuk tiga operator armada bus dan truk terbesar di kota",
        ),
        contribution(
            "c-aphs-fleets",
            ContributionKind::Expertise,
            "Know-how in fleet maintenance and emission control",
            "Keahlian dalam perawatan armada dan pengendalian emisi",
        ),
    ];
    aphs.representatives = vec![
        person(
            "r-hendra",
            "Hendra Gunawan",
            ("Chair", "Ketua"),
            Some("hendra@aphs-sukamaju.example"),
        ),
        person(
            "r-maya",
            "Maya Sari",
            (
                "Sustainability programme manager",
                "Manajer program keberlanjutan",
            ),
            Some("maya.sari@aphs-sukamaju.example"),
        ),
    ];

    let mut ngo = Partner::new(
        NGO,
        t("Udara Kita Foundation", "Yayasan Udara Kita"),
        Sector::Nonprofit,
    );
    ngo.contributions = vec![
        contribution(
            "c-ngo-campaigns",
            ContributionKind::Expertise,
            "Campaigning and health communication; trains the community's volunteer air cadres",
            "Kampanye dan komunikasi kesehatan; melatih kader udara relawan dari masyarakat",
        ),
        contribution(
            "c-ngo-grant",
            ContributionKind::Funding,
            "Manages the Nusantara Clean Air Fund grant on behalf of the partnership",
            "Mengelola hibah Dana Udara Bersih Nusantara atas nama kemitraan",
        ),
        contribution(
            "c-ngo-coalitions",
            ContributionKind::Network,
            "Links to national clean-air coalitions and the media",
            "Jejaring dengan koalisi udara bersih nasional dan media",
        ),
    ];
    ngo.representatives = vec![
        person(
            "r-dewi",
            "Dewi Lestari",
            ("Programme director", "Direktur program"),
            Some("dewi@udarakita.example"),
        ),
        person(
            "r-fajar",
            "Fajar Nugroho",
            (
                "Community organiser; partnership secretariat",
                "Pengorganisir komunitas; sekretariat kemitraan",
            ),
            Some("fajar@udarakita.example"),
        ),
    ];

    let mut campus = Partner::new(
        CAMPUS,
        t(
            "Sukamaju Institute of Technology, Air Quality Research Centre",
            "Pusat Studi Kualitas Udara, Institut Teknologi Sukamaju",
        ),
        Sector::Education,
    );
    campus.contributions = vec![
        contribution(
            "c-its-analysis",
            ContributionKind::Expertise,
            "Sensor calibration against the reference stations, data analysis, and the school health study",
            "Kalibrasi sensor terhadap stasiun referensi, analisis data, dan studi kesehatan sekolah",
        ),
        contribution(
            "c-its-lab",
            ContributionKind::Infrastructure,
            "Calibration laboratory and the servers behind the open dashboard",
            "Laboratorium kalibrasi dan server untuk dasbor terbuka",
        ),
    ];
    campus.representatives = vec![
        person(
            "r-siti",
            "Dr. Siti Rahmawati",
            ("Head of the research centre", "Kepala pusat studi"),
            Some("siti.rahmawati@its-sukamaju.example"),
        ),
        person(
            "r-bayu",
            "Bayu Saputra",
            (
                "Research assistant, sensor network",
                "Asisten peneliti, jaringan sensor",
            ),
            Some("bayu.saputra@its-sukamaju.example"),
        ),
    ];

    let mut residents = Partner::new(
        RESIDENTS,
        t(
            "Residents' Forum for Clean Air (FWPU)",
            "Forum Warga Peduli Udara (FWPU)",
        ),
        Sector::Community,
    );
    residents.contributions = vec![
        contribution(
            "c-fwpu-knowledge",
            ContributionKind::LocalKnowledge,
            "Knows the neighbourhoods most exposed to traffic fumes and waste burning, and whom to talk to in each of them",
            "Mengenal lingkungan yang paling terpapar asap kendaraan dan pembakaran sampah, serta tokoh yang tepat untuk diajak bicara di setiap lingkungan",
        ),
        contribution(
            "c-fwpu-cadres",
            ContributionKind::Network,
            "48 volunteer air cadres in 16 urban villages",
            "48 kader udara relawan di 16 kelurahan",
        ),
        contribution(
            "c-fwpu-hosts",
            ContributionKind::Infrastructure,
            "Sensor sites on homes, mosques and community halls",
            "Lokasi pemasangan sensor di rumah warga, masjid, dan balai RW",
        ),
    ];
    residents.representatives = vec![
        person(
            "r-nur",
            "Nur Aini",
            ("Coordinator", "Koordinator"),
            Some("fwpu.sukamaju@example.org"),
        ),
        person(
            "r-joko",
            "Joko Susilo",
            (
                "Head of RW 07, Cibeureum; represents the neighbourhood heads",
                "Ketua RW 07 Cibeureum; mewakili para ketua RW",
            ),
            None,
        ),
    ];

    vec![dlh, aphs, ngo, campus, residents]
}

fn roles(tr: Tr) -> Vec<RoleAssignment> {
    let role = |id: &str, goal: Option<&str>, partner: &str, raci: Raci, en: &str, idn: &str| {
        RoleAssignment {
            id: id.into(),
            goal_id: goal.map(Into::into),
            partner_id: partner.into(),
            raci,
            description: tr.t(en, idn),
        }
    };
    use Raci::{Accountable as A, Consulted as C, Informed as I, Responsible as R};
    vec![
        // The partnership as a whole.
        role(
            "ro-mandate",
            None,
            DLH,
            A,
            "Holds the regulatory mandate and reports progress to the mayor and the city council",
            "Memegang kewenangan regulasi dan melaporkan kemajuan kepada wali kota dan DPRD",
        ),
        role(
            "ro-secretariat",
            None,
            NGO,
            R,
            "Secretariat: keeps the charter and the minutes up to date, prepares meetings, manages the grant",
            "Sekretariat: memperbarui piagam dan notulen, menyiapkan rapat, mengelola hibah",
        ),
        role(
            "ro-data",
            None,
            CAMPUS,
            R,
            "Data steward: checks and publishes every measurement",
            "Pengelola data: memeriksa dan memublikasikan setiap hasil pengukuran",
        ),
        // Cut PM2.5.
        role(
            "ro-pm25-dlh",
            Some(G_PM25),
            DLH,
            A,
            "Enforces the ban on open burning and the emission-testing rules; reports to the mayor",
            "Menegakkan larangan pembakaran terbuka dan aturan uji emisi; melapor kepada wali kota",
        ),
        role(
            "ro-pm25-aphs",
            Some(G_PM25),
            APHS,
            R,
            "Organises emission testing and repairs in member fleets",
            "Mengorganisasi uji emisi dan perbaikan armada anggota",
        ),
        role(
            "ro-pm25-its",
            Some(G_PM25),
            CAMPUS,
            R,
            "Analyses the reference-station data and the sources of pollution",
            "Menganalisis data stasiun referensi dan sumber pencemar",
        ),
        role(
            "ro-pm25-ngo",
            Some(G_PM25),
            NGO,
            C,
            "Advises on campaigns and public communication",
            "Memberi masukan untuk kampanye dan komunikasi publik",
        ),
        role(
            "ro-pm25-fwpu",
            Some(G_PM25),
            RESIDENTS,
            I,
            "Hears the results at neighbourhood meetings and passes them on",
            "Menerima hasil melalui pertemuan RW dan meneruskannya kepada warga",
        ),
        // Sensor network.
        role(
            "ro-sensors-its",
            Some(G_SENSORS),
            CAMPUS,
            A,
            "Answers for sensor quality: calibration, data checks, the dashboard",
            "Bertanggung jawab atas mutu sensor: kalibrasi, pemeriksaan data, dasbor",
        ),
        role(
            "ro-sensors-fwpu",
            Some(G_SENSORS),
            RESIDENTS,
            R,
            "Recruits hosts and looks after the sensors in the neighbourhoods",
            "Merekrut tuan rumah dan merawat sensor di lingkungan warga",
        ),
        role(
            "ro-sensors-aphs",
            Some(G_SENSORS),
            APHS,
            R,
            "Funds 60 sensors through member companies' CSR budgets",
            "Mendanai 60 sensor melalui dana CSR perusahaan anggota",
        ),
        role(
            "ro-sensors-ngo",
            Some(G_SENSORS),
            NGO,
            R,
            "Buys the 60 grant-funded sensors",
            "Membeli 60 sensor yang didanai hibah",
        ),
        role(
            "ro-sensors-dlh",
            Some(G_SENSORS),
            DLH,
            C,
            "Aligns the network with the official monitoring",
            "Menyelaraskan jaringan dengan pemantauan resmi",
        ),
        // Households.
        role(
            "ro-households-ngo",
            Some(G_HOUSEHOLDS),
            NGO,
            A,
            "Answers for the outreach programme and trains the cadres",
            "Bertanggung jawab atas program penjangkauan dan melatih kader",
        ),
        role(
            "ro-households-fwpu",
            Some(G_HOUSEHOLDS),
            RESIDENTS,
            R,
            "Air cadres visit households and run neighbourhood meetings",
            "Kader udara mengunjungi rumah tangga dan mengadakan pertemuan RW",
        ),
        role(
            "ro-households-dlh",
            Some(G_HOUSEHOLDS),
            DLH,
            R,
            "Sends the daily WhatsApp air alerts",
            "Mengirim peringatan kualitas udara harian lewat WhatsApp",
        ),
        role(
            "ro-households-its",
            Some(G_HOUSEHOLDS),
            CAMPUS,
            C,
            "Designs the survey of what households know and do",
            "Merancang survei pengetahuan dan perilaku rumah tangga",
        ),
        role(
            "ro-households-aphs",
            Some(G_HOUSEHOLDS),
            APHS,
            I,
            "Passes the advice on to member companies' employees",
            "Meneruskan informasi kepada karyawan perusahaan anggota",
        ),
        // Schools.
        role(
            "ro-schools-its",
            Some(G_SCHOOLS),
            CAMPUS,
            A,
            "Leads the school study and analyses the school clinic records",
            "Memimpin studi sekolah dan menganalisis catatan UKS",
        ),
        role(
            "ro-schools-dlh",
            Some(G_SCHOOLS),
            DLH,
            R,
            "Sets up no-idling zones with the transport agency and works with the education office",
            "Menetapkan zona larangan mesin menyala bersama Dinas Perhubungan dan bekerja sama dengan Dinas Pendidikan",
        ),
        role(
            "ro-schools-aphs",
            Some(G_SCHOOLS),
            APHS,
            R,
            "Donates 36 classroom air purifiers",
            "Menyumbang 36 penjernih udara untuk ruang kelas",
        ),
        role(
            "ro-schools-ngo",
            Some(G_SCHOOLS),
            NGO,
            C,
            "Advises on the messages for parents",
            "Memberi masukan tentang pesan untuk orang tua",
        ),
        role(
            "ro-schools-fwpu",
            Some(G_SCHOOLS),
            RESIDENTS,
            I,
            "Parents in the forum pass the results on",
            "Orang tua anggota forum meneruskan hasilnya",
        ),
    ]
}

/// The last day of each month of 2025.
const MONTH_ENDS: [&str; 12] = [
    "2025-01-31",
    "2025-02-28",
    "2025-03-31",
    "2025-04-30",
    "2025-05-31",
    "2025-06-30",
    "2025-07-31",
    "2025-08-31",
    "2025-09-30",
    "2025-10-31",
    "2025-11-30",
    "2025-12-31",
];

/// Twelve monthly measurements of 2025 from `values`, with `notes` for some
/// months (1 = January).
fn year(
    tr: Tr,
    indicator: &str,
    values: [f64; 12],
    source: (&str, &str),
    notes: &[(usize, &str, &str)],
) -> Vec<Measurement> {
    MONTH_ENDS
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (date, value))| Measurement {
            id: format!("{indicator}-{}", &date[..7]),
            date: (*date).into(),
            value,
            source: tr.t(source.0, source.1),
            note: notes
                .iter()
                .find(|(month, _, _)| *month == i + 1)
                .map(|(_, en, id)| tr.t(en, id))
                .unwrap_or_default(),
        })
        .collect()
}

fn smart(tr: Tr, parts: [(&str, &str); 4], time_bound: &str) -> Smart {
    let [specific, measurable, achievable, relevant] = parts.map(|(en, id)| tr.t(en, id));
    Smart {
        specific,
        measurable,
        achievable,
        relevant,
        time_bound: Some(time_bound.into()),
    }
}

fn feedback(tr: Tr, id: &str, date: &str, source: (&str, &str), text: (&str, &str)) -> Feedback {
    Feedback {
        id: id.into(),
        date: date.into(),
        source: tr.t(source.0, source.1),
        text: tr.t(text.0, text.1),
    }
}

fn goals(tr: Tr) -> Vec<Goal> {
    let t = |en: &str, id: &str| tr.t(en, id);

    let mut pm25 = Goal::new(
        G_PM25,
        t(
            "Cut PM2.5 pollution by a quarter",
            "Mengurangi polusi PM2.5 hingga seperempat",
        ),
    );
    pm25.description = Text::new(t(
        "Bring the city's annual mean PM2.5 down from 41.2 µg/m³ (2024) to 30 µg/m³ by the end of 2026, by acting on its three main sources: vehicle emissions, small industries and the open burning of waste.",
        "Menurunkan rata-rata tahunan PM2.5 kota dari 41,2 µg/m³ (2024) menjadi 30 µg/m³ pada akhir 2026, dengan menangani tiga sumber utamanya: emisi kendaraan, industri kecil, dan pembakaran sampah terbuka.",
    ));
    pm25.smart = smart(
        tr,
        [
            (
                "Reduce fine particulate matter in the city through emission testing of bus and truck fleets, cleaner production in small industries, and enforcement of the ban on open burning.",
                "Menurunkan partikel halus di kota melalui uji emisi armada bus dan truk, produksi bersih di industri kecil, dan penegakan larangan pembakaran sampah terbuka.",
            ),
            (
                "Annual mean PM2.5 at the two reference stations, as a rolling 12-month mean: from 41.2 to 30 µg/m³.",
                "Rata-rata tahunan PM2.5 di dua stasiun referensi, dihitung sebagai rata-rata bergulir 12 bulan: dari 41,2 menjadi 30 µg/m³.",
            ),
            (
                "Comparable cities cut PM2.5 by 20–30% in two years with similar measures; the three largest fleet operators have committed to testing.",
                "Kota-kota sebanding berhasil menurunkan PM2.5 sebesar 20–30% dalam dua tahun dengan langkah serupa; tiga operator armada terbesar sudah berkomitmen ikut uji emisi.",
            ),
            (
                "PM2.5 is the pollutant with the largest health burden and the core of the partnership's purpose.",
                "PM2.5 adalah polutan dengan beban kesehatan terbesar dan menjadi inti tujuan kemitraan.",
            ),
        ],
        "2026-12-31",
    );
    pm25.status = GoalStatus::InProgress;
    pm25.owner_ids = vec![DLH.into()];
    let mut annual_mean = Indicator::new(
        "i-pm25-annual-mean",
        t(
            "PM2.5 annual mean (rolling 12 months)",
            "Rata-rata tahunan PM2.5 (bergulir 12 bulan)",
        ),
        "µg/m³",
    );
    annual_mean.baseline = Some(41.2);
    annual_mean.target = Some(30.0);
    annual_mean.target_date = Some("2026-12-31".into());
    annual_mean.measurements = year(
        tr,
        "i-pm25-annual-mean",
        [
            41.0, 40.8, 40.6, 40.1, 39.9, 40.2, 40.5, 40.3, 39.4, 38.6, 37.9, 37.2,
        ],
        ("DLH reference stations", "Stasiun referensi DLH"),
        &[
            (6, "Dry season begins", "Awal musim kemarau"),
            (
                7,
                "Three haze days from land burning outside the city",
                "Tiga hari kabut asap dari pembakaran lahan di luar kota",
            ),
            (
                10,
                "First full month of fleet emission testing; rainy season",
                "Bulan pertama uji emisi armada berjalan penuh; musim hujan",
            ),
        ],
    );
    let mut fleet = Indicator::new(
        "i-pm25-fleet-tests",
        t(
            "Member fleet vehicles passing the emission test",
            "Kendaraan armada anggota yang lulus uji emisi",
        ),
        "%",
    );
    fleet.baseline = Some(61.0);
    fleet.target = Some(90.0);
    fleet.target_date = Some("2026-06-30".into());
    fleet.measurements = year(
        tr,
        "i-pm25-fleet-tests",
        [
            61.0, 62.0, 64.0, 65.0, 67.0, 70.0, 72.0, 73.0, 76.0, 79.0, 82.0, 84.0,
        ],
        ("APHS fleet test records", "Catatan uji emisi armada APHS"),
        &[(
            9,
            "Two operators replaced 14 old trucks",
            "Dua operator mengganti 14 truk tua",
        )],
    );
    pm25.indicators = vec![annual_mean, fleet];

    let mut sensors = Goal::new(
        G_SENSORS,
        t(
            "Build a community air-sensor network",
            "Membangun jaringan sensor udara warga",
        ),
    );
    sensors.description = Text::new(t(
        "Install and calibrate 120 low-cost PM2.5 sensors across all 16 urban villages, hosted by residents, schools and mosques, so that everyone can see the air quality where they live.",
        "Memasang dan mengkalibrasi 120 sensor PM2.5 murah di seluruh 16 kelurahan, dititipkan di rumah warga, sekolah, dan masjid, agar setiap orang dapat melihat kualitas udara di tempat tinggalnya.",
    ));
    sensors.smart = smart(
        tr,
        [
            (
                "120 calibrated low-cost sensors, at least 5 in each of the 16 urban villages, reporting to the open dashboard.",
                "120 sensor murah yang terkalibrasi, sedikitnya 5 di setiap kelurahan dari 16 kelurahan, terhubung ke dasbor terbuka.",
            ),
            (
                "Number of sensors installed and reporting for at least 75% of the hours of the month.",
                "Jumlah sensor terpasang yang mengirim data sedikitnya 75% dari jumlah jam dalam sebulan.",
            ),
            (
                "Sensors co-funded by association members and the grant; hosts recruited by the residents' forum; calibration by the university laboratory.",
                "Sensor didanai bersama oleh anggota asosiasi dan hibah; tuan rumah direkrut oleh forum warga; kalibrasi oleh laboratorium kampus.",
            ),
            (
                "Neighbourhood data lets residents protect themselves and shows the city where to act first.",
                "Data per lingkungan membantu warga melindungi diri dan menunjukkan kepada pemerintah kota di mana harus bertindak lebih dulu.",
            ),
        ],
        "2025-12-31",
    );
    sensors.status = GoalStatus::Achieved;
    sensors.owner_ids = vec![CAMPUS.into(), RESIDENTS.into()];
    let mut installed = Indicator::new(
        "i-sensors-installed",
        t(
            "Low-cost sensors installed and reporting",
            "Sensor murah terpasang dan aktif",
        ),
        t("sensors", "sensor"),
    );
    installed.baseline = Some(0.0);
    installed.target = Some(120.0);
    installed.target_date = Some("2025-12-31".into());
    installed.measurements = year(
        tr,
        "i-sensors-installed",
        [
            8.0, 15.0, 24.0, 36.0, 47.0, 58.0, 66.0, 77.0, 90.0, 101.0, 112.0, 123.0,
        ],
        ("University sensor register", "Register sensor kampus"),
        &[
            (
                4,
                "Second batch delivered; 4 sensors replaced after water damage",
                "Kiriman kedua tiba; 4 sensor diganti karena rusak terkena air",
            ),
            (
                8,
                "8 sensors offline for over a week after power cuts",
                "8 sensor mati lebih dari seminggu akibat listrik padam",
            ),
            (
                12,
                "Target reached; three extra sensors funded by a member company",
                "Target tercapai; tiga sensor tambahan didanai oleh satu perusahaan anggota",
            ),
        ],
    );
    sensors.indicators = vec![installed];

    let mut households = Goal::new(
        G_HOUSEHOLDS,
        t(
            "Reach 20,000 households with clean-air advice",
            "Menjangkau 20.000 rumah tangga dengan informasi udara bersih",
        ),
    );
    households.description = Text::new(t(
        "Make sure that households in the most exposed neighbourhoods know the daily air quality and what to do on bad-air days: keep children indoors, wear a proper mask, stop burning waste.",
        "Memastikan rumah tangga di lingkungan yang paling terpapar mengetahui kualitas udara harian dan apa yang harus dilakukan saat udara buruk: menjaga anak-anak tetap di dalam rumah, memakai masker yang tepat, dan berhenti membakar sampah.",
    ));
    households.smart = smart(
        tr,
        [
            (
                "Door-to-door visits by air cadres, neighbourhood meetings and WhatsApp air alerts in the 16 urban villages.",
                "Kunjungan dari rumah ke rumah oleh kader udara, pertemuan RW, dan peringatan kualitas udara lewat WhatsApp di 16 kelurahan.",
            ),
            (
                "Households reached at least twice (visit or meeting) and subscribed to the alerts: 20,000 of about 61,000.",
                "Rumah tangga yang dijangkau sedikitnya dua kali (kunjungan atau pertemuan) dan berlangganan peringatan: 20.000 dari sekitar 61.000.",
            ),
            (
                "48 cadres each reach about 20 households a month.",
                "48 kader masing-masing menjangkau sekitar 20 rumah tangga per bulan.",
            ),
            (
                "Exposure falls fastest when people know when and how to protect themselves, and burning waste is a major local source.",
                "Paparan paling cepat berkurang ketika warga tahu kapan dan bagaimana melindungi diri, dan pembakaran sampah adalah sumber pencemar lokal yang besar.",
            ),
        ],
        "2026-12-31",
    );
    households.status = GoalStatus::InProgress;
    households.owner_ids = vec![RESIDENTS.into(), NGO.into()];
    let mut reached = Indicator::new(
        "i-households-reached",
        t("Households reached", "Rumah tangga terjangkau"),
        t("households", "rumah tangga"),
    );
    reached.baseline = Some(0.0);
    reached.target = Some(20_000.0);
    reached.target_date = Some("2026-12-31".into());
    reached.measurements = year(
        tr,
        "i-households-reached",
        [
            640.0, 1_420.0, 2_100.0, 3_050.0, 4_180.0, 5_260.0, 6_310.0, 7_240.0, 8_350.0, 9_480.0,
            10_420.0, 11_390.0,
        ],
        ("Cadre visit logs", "Catatan kunjungan kader"),
        &[(
            3,
            "Ramadan: fewer home visits, more sessions at mosques",
            "Ramadan: kunjungan rumah berkurang, lebih banyak sosialisasi di masjid",
        )],
    );
    reached.feedback = vec![
        feedback(
            tr,
            "fb-grandmother",
            "2025-05-14",
            (
                "Ibu Sri, resident of RW 07 Cibeureum",
                "Ibu Sri, warga RW 07 Cibeureum",
            ),
            (
                "Since the cadre explained the colours of the WhatsApp alert, I keep my grandchildren inside on red days. Before, I thought the haze was just fog.",
                "Sejak kader menjelaskan arti warna pada peringatan WhatsApp, saya menahan cucu di dalam rumah kalau statusnya merah. Dulu saya kira asap itu cuma kabut.",
            ),
        ),
        feedback(
            tr,
            "fb-waste-collector",
            "2025-08-22",
            (
                "Pak Darto, waste collector in Sukasari",
                "Pak Darto, petugas kebersihan di Sukasari",
            ),
            (
                "People still burn leaves in the dry season because the garbage truck comes only twice a week. Telling them not to burn is not enough.",
                "Warga masih membakar daun di musim kemarau karena truk sampah hanya datang dua kali seminggu. Melarang saja tidak cukup.",
            ),
        ),
        feedback(
            tr,
            "fb-youth",
            "2025-11-05",
            (
                "Focus group with Karang Taruna youth, RW 03",
                "Diskusi kelompok terarah dengan Karang Taruna, RW 03",
            ),
            (
                "Young people want to see the sensor map themselves, not only receive alerts. Several offered to help install sensors.",
                "Anak muda ingin melihat peta sensor sendiri, tidak hanya menerima peringatan. Beberapa menawarkan diri membantu memasang sensor.",
            ),
        ),
    ];
    households.indicators = vec![reached];

    let mut schools = Goal::new(
        G_SCHOOLS,
        t(
            "Fewer respiratory complaints at school clinics",
            "Mengurangi keluhan pernapasan di UKS sekolah",
        ),
    );
    schools.description = Text::new(t(
        "In 12 pilot primary schools near busy roads, reduce pupils' visits to the school clinic (UKS) for respiratory complaints, through clean air in classrooms, no-idling zones at the school gates and a protocol for bad-air days.",
        "Di 12 sekolah dasar percontohan yang dekat dengan jalan ramai, mengurangi kunjungan siswa ke UKS karena keluhan pernapasan melalui udara bersih di ruang kelas, zona larangan mesin menyala di gerbang sekolah, dan protokol hari udara buruk.",
    ));
    schools.smart = smart(
        tr,
        [
            (
                "12 primary schools: classroom air purifiers on bad-air days, no-idling zones, and a protocol for outdoor activities.",
                "12 sekolah dasar: penjernih udara di kelas saat udara buruk, zona larangan mesin menyala, dan protokol kegiatan di luar ruangan.",
            ),
            (
                "Monthly school clinic visits for respiratory complaints per 1,000 pupils: from 18.5 to 12.",
                "Kunjungan UKS per bulan karena keluhan pernapasan per 1.000 siswa: dari 18,5 menjadi 12.",
            ),
            (
                "School clinic teachers already keep visit logs; the university trained them to record complaints the same way.",
                "Guru UKS sudah mencatat kunjungan; tim kampus melatih mereka mencatat keluhan dengan cara yang sama.",
            ),
            (
                "Children are the most vulnerable group, and school data convinces parents and the city council.",
                "Anak-anak adalah kelompok paling rentan, dan data sekolah meyakinkan orang tua serta DPRD.",
            ),
        ],
        "2026-12-31",
    );
    schools.status = GoalStatus::InProgress;
    schools.owner_ids = vec![CAMPUS.into(), DLH.into()];
    let mut visits = Indicator::new(
        "i-schools-clinic-visits",
        t(
            "School clinic visits for respiratory complaints",
            "Kunjungan UKS karena keluhan pernapasan",
        ),
        t(
            "visits per 1,000 pupils per month",
            "kunjungan per 1.000 siswa per bulan",
        ),
    );
    visits.baseline = Some(18.5);
    visits.target = Some(12.0);
    visits.target_date = Some("2026-12-31".into());
    visits.measurements = year(
        tr,
        "i-schools-clinic-visits",
        [
            18.2, 17.9, 18.4, 17.1, 16.6, 17.8, 19.2, 18.7, 16.9, 15.8, 15.2, 14.6,
        ],
        (
            "School clinic logs, 12 pilot schools",
            "Catatan UKS, 12 sekolah percontohan",
        ),
        &[
            (
                7,
                "Haze days; rate over school days only (holidays until 13 July)",
                "Hari-hari berkabut asap; dihitung hanya pada hari sekolah (libur hingga 13 Juli)",
            ),
            (
                9,
                "Purifiers running in all 12 schools",
                "Penjernih udara beroperasi di 12 sekolah",
            ),
        ],
    );
    visits.feedback = vec![feedback(
        tr,
        "fb-head-teacher",
        "2025-10-20",
        (
            "Head teacher, SDN Sukamaju 4",
            "Kepala sekolah SDN Sukamaju 4",
        ),
        (
            "The purifiers run only when the dashboard turns orange, so the electricity bill stayed manageable. Parents noticed that fewer children are sent home coughing.",
            "Penjernih udara hanya dinyalakan saat dasbor berwarna oranye, jadi tagihan listrik tetap terjangkau. Orang tua melihat makin sedikit anak yang dipulangkan karena batuk.",
        ),
    )];
    schools.indicators = vec![visits];

    vec![pm25, sensors, households, schools]
}

fn communication(tr: Tr) -> CommunicationPlan {
    let channel = |id: &str, name: (&str, &str), purpose: (&str, &str), owner: &str| Channel {
        id: id.into(),
        name: tr.t(name.0, name.1),
        purpose: tr.t(purpose.0, purpose.1),
        owner_partner_id: Some(owner.into()),
    };
    let duty = |id: &str, partner: &str, person: &str, what: (&str, &str)| InformationDuty {
        id: id.into(),
        partner_id: partner.into(),
        person: person.into(),
        what: tr.t(what.0, what.1),
    };
    CommunicationPlan {
        cadence: tr.t(
            "Monthly coordination meeting (second Tuesday, 09:30 WIB, hybrid), a quarterly steering meeting of all heads of organisation, and a progress report to the funder every six months.",
            "Rapat koordinasi bulanan (Selasa kedua, pukul 09.30 WIB, hibrida), rapat pengarah triwulanan bersama seluruh pimpinan organisasi, dan laporan kemajuan kepada penyandang dana setiap enam bulan.",
        ),
        channels: vec![
            channel(
                "ch-charter",
                ("This charter in Mitra", "Piagam ini di Mitra"),
                (
                    "The one shared record: goals, indicators, minutes and action items",
                    "Satu-satunya catatan bersama: tujuan, indikator, notulen, dan tindak lanjut",
                ),
                NGO,
            ),
            channel(
                "ch-whatsapp",
                ("Partners' WhatsApp group", "Grup WhatsApp mitra"),
                (
                    "Day-to-day coordination and urgent news (haze, broken sensors)",
                    "Koordinasi sehari-hari dan kabar mendesak (kabut asap, sensor rusak)",
                ),
                NGO,
            ),
            channel(
                "ch-dashboard",
                ("Open air-quality dashboard", "Dasbor kualitas udara terbuka"),
                (
                    "Live sensor map and monthly data for the public",
                    "Peta sensor langsung dan data bulanan untuk publik",
                ),
                CAMPUS,
            ),
            channel(
                "ch-alerts",
                ("Daily WhatsApp air alerts", "Peringatan udara harian via WhatsApp"),
                (
                    "Morning air-quality status and advice for residents",
                    "Status kualitas udara setiap pagi dan saran untuk warga",
                ),
                DLH,
            ),
            channel(
                "ch-rw",
                ("Neighbourhood (RW) meetings", "Pertemuan RW"),
                (
                    "Face-to-face updates and feedback in the neighbourhoods",
                    "Kabar terbaru dan masukan langsung di lingkungan warga",
                ),
                RESIDENTS,
            ),
        ],
        information_duties: vec![
            duty(
                "d-indicators",
                CAMPUS,
                "Bayu Saputra",
                (
                    "Monthly indicator update in the charter, by the 5th of each month",
                    "Pembaruan indikator bulanan di piagam, paling lambat tanggal 5 setiap bulan",
                ),
            ),
            duty(
                "d-minutes",
                NGO,
                "Fajar Nugroho",
                (
                    "Minutes of every meeting, within three days",
                    "Notulen setiap rapat, paling lambat tiga hari setelah rapat",
                ),
            ),
            duty(
                "d-enforcement",
                DLH,
                "Agus Prasetyo",
                (
                    "Enforcement figures (open-burning cases, emission tests) every month",
                    "Data penegakan aturan (kasus pembakaran terbuka, uji emisi) setiap bulan",
                ),
            ),
            duty(
                "d-feedback",
                RESIDENTS,
                "Nur Aini",
                (
                    "Residents' feedback from the cadres and neighbourhood meetings, monthly",
                    "Masukan warga dari para kader dan pertemuan RW, setiap bulan",
                ),
            ),
            duty(
                "d-members",
                APHS,
                "Maya Sari",
                (
                    "News for member companies after every steering meeting",
                    "Kabar untuk perusahaan anggota setelah setiap rapat pengarah",
                ),
            ),
        ],
    }
}

fn risks(tr: Tr) -> Vec<Risk> {
    let mitigation = |id: &str, owner: Option<&str>, action: (&str, &str)| Mitigation {
        id: id.into(),
        action: tr.t(action.0, action.1),
        owner_partner_id: owner.map(Into::into),
    };
    let risk = |id: &str,
                title: (&str, &str),
                category: RiskCategory,
                likelihood,
                impact,
                description: (&str, &str),
                mitigations: Vec<Mitigation>| Risk {
        id: id.into(),
        title: tr.t(title.0, title.1),
        category,
        description: tr.t(description.0, description.1),
        likelihood,
        impact,
        mitigations,
    };
    vec![
        risk(
            "rk-funding",
            (
                "Sensor network unfunded after the grant",
                "Jaringan sensor tanpa dana setelah hibah berakhir",
            ),
            RiskCategory::Funding,
            High,
            High,
            (
                "The grant pays for sensor maintenance and data hosting only until June 2026; without it the network decays within months.",
                "Hibah hanya membiayai pemeliharaan sensor dan hosting data hingga Juni 2026; tanpa itu jaringan akan rusak dalam hitungan bulan.",
            ),
            vec![
                mitigation(
                    "mt-city-budget",
                    Some(DLH),
                    (
                        "Propose a budget line for network maintenance in the 2026 city budget",
                        "Mengusulkan mata anggaran pemeliharaan jaringan dalam APBD 2026",
                    ),
                ),
                mitigation(
                    "mt-adopt",
                    Some(APHS),
                    (
                        "Adopt-a-sensor sponsorship by member companies",
                        "Program adopsi sensor oleh perusahaan anggota",
                    ),
                ),
            ],
        ),
        risk(
            "rk-priorities",
            (
                "Business and enforcement priorities clash",
                "Benturan prioritas dunia usaha dan penegakan aturan",
            ),
            RiskCategory::ConflictingPriorities,
            Medium,
            High,
            (
                "Stricter emission enforcement raises costs for fleet operators, who are partners too.",
                "Penegakan aturan emisi yang lebih ketat menambah biaya operator armada, yang juga menjadi mitra.",
            ),
            vec![
                mitigation(
                    "mt-grace",
                    Some(DLH),
                    (
                        "Phase enforcement in, with six months' grace for fleets that join the testing",
                        "Penegakan bertahap, dengan masa tenggang enam bulan bagi armada yang ikut uji emisi",
                    ),
                ),
                mitigation(
                    "mt-consent",
                    Some(CAMPUS),
                    (
                        "Publish results per company only with its consent; always publish the totals",
                        "Hasil per perusahaan hanya dipublikasikan dengan persetujuannya; angka total selalu dipublikasikan",
                    ),
                ),
            ],
        ),
        risk(
            "rk-power",
            (
                "The city agency dominates decisions",
                "Dinas kota mendominasi keputusan",
            ),
            RiskCategory::PowerImbalance,
            Medium,
            Medium,
            (
                "The agency has the mandate and the largest budget; smaller partners may stop speaking up.",
                "DLH memiliki kewenangan dan anggaran terbesar; mitra yang lebih kecil bisa enggan bersuara.",
            ),
            vec![
                mitigation(
                    "mt-rotating-chair",
                    None,
                    (
                        "Rotating chair and one vote per partner",
                        "Pimpinan rapat bergilir dan satu suara untuk setiap mitra",
                    ),
                ),
                mitigation(
                    "mt-residents-first",
                    Some(RESIDENTS),
                    (
                        "Residents' representatives speak first on items that concern residents",
                        "Perwakilan warga berbicara lebih dulu pada agenda yang menyangkut warga",
                    ),
                ),
            ],
        ),
        risk(
            "rk-trust",
            (
                "Disputes over low-cost sensor data",
                "Perselisihan atas data sensor murah",
            ),
            RiskCategory::LackOfTrust,
            Medium,
            Medium,
            (
                "Low-cost sensors read high in humid weather; if the numbers look wrong, residents and the city may stop trusting them.",
                "Sensor murah cenderung membaca terlalu tinggi saat udara lembap; jika angkanya tampak keliru, warga dan pemerintah kota bisa berhenti memercayainya.",
            ),
            vec![mitigation(
                "mt-calibration",
                Some(CAMPUS),
                (
                    "Monthly calibration against the reference stations, with the method published",
                    "Kalibrasi bulanan terhadap stasiun referensi, dengan metode yang dipublikasikan",
                ),
            )],
        ),
        risk(
            "rk-cadres",
            (
                "Volunteer cadres drop out",
                "Kader relawan mengundurkan diri",
            ),
            RiskCategory::Sustainability,
            Medium,
            Medium,
            (
                "The cadres are unpaid; the outreach stalls if they leave.",
                "Kader tidak dibayar; penjangkauan terhenti jika mereka mundur.",
            ),
            vec![
                mitigation(
                    "mt-allowance",
                    Some(NGO),
                    (
                        "Transport allowance and a certificate from the city",
                        "Uang transportasi dan sertifikat dari pemerintah kota",
                    ),
                ),
                mitigation(
                    "mt-youth",
                    Some(RESIDENTS),
                    (
                        "Recruit youth groups (Karang Taruna) as reserve cadres",
                        "Merekrut Karang Taruna sebagai kader cadangan",
                    ),
                ),
            ],
        ),
    ]
}

fn resources(tr: Tr) -> Vec<Resource> {
    let resource = |id: &str,
                    kind: ResourceKind,
                    partner: &str,
                    amount: Option<(f64, &str)>,
                    description: (&str, &str)| Resource {
        id: id.into(),
        kind,
        description: tr.t(description.0, description.1),
        partner_id: Some(partner.into()),
        amount: amount.map(|(a, _)| a),
        currency: amount.map(|(_, c)| c.into()),
    };
    vec![
        resource(
            "rs-grant",
            ResourceKind::Grant,
            NGO,
            Some((120_000.0, "USD")),
            (
                "Nusantara Clean Air Fund grant, 2025–2026 (managed by the Udara Kita Foundation)",
                "Hibah Dana Udara Bersih Nusantara, 2025–2026 (dikelola Yayasan Udara Kita)",
            ),
        ),
        resource(
            "rs-city",
            ResourceKind::PooledFunding,
            DLH,
            Some((350_000_000.0, "IDR")),
            (
                "City budget for sensor maintenance and outreach, 2025",
                "APBD untuk pemeliharaan sensor dan sosialisasi, 2025",
            ),
        ),
        resource(
            "rs-csr",
            ResourceKind::PooledFunding,
            APHS,
            Some((540_000_000.0, "IDR")),
            (
                "Member companies' CSR contributions: 60 sensors and 36 classroom air purifiers",
                "Kontribusi CSR perusahaan anggota: 60 sensor dan 36 penjernih udara kelas",
            ),
        ),
        resource(
            "rs-lab",
            ResourceKind::InKind,
            CAMPUS,
            Some((180_000_000.0, "IDR")),
            (
                "Calibration laboratory, data hosting and staff time (estimated value)",
                "Laboratorium kalibrasi, hosting data, dan waktu staf (nilai perkiraan)",
            ),
        ),
        resource(
            "rs-cadres",
            ResourceKind::InKind,
            RESIDENTS,
            None,
            (
                "Volunteer time of 48 air cadres, about 1,900 hours a year",
                "Waktu relawan 48 kader udara, sekitar 1.900 jam per tahun",
            ),
        ),
    ]
}
