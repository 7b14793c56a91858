//! The demo's two meetings.

use mitra_model::{
    ActionItem, ActionStatus, AgendaItem, Attendee, Decision, DecisionMethod, Meeting, Text,
};

use crate::charter::{
    APHS, CAMPUS, DLH, G_HOUSEHOLDS, G_PM25, G_SCHOOLS, G_SENSORS, NGO, RESIDENTS,
};
use crate::{DemoIds, Tr};

/// When each meeting document was written: the end of each meeting
/// (2025-09-16 11:30 and 2025-12-09 15:30 in Jakarta), in seconds since the
/// Unix epoch.
pub(crate) const CREATED_AT: [i64; 2] = [1_757_997_000, 1_765_269_000];

pub(crate) fn meetings(tr: Tr, ids: &DemoIds) -> [Meeting; 2] {
    [steering_q3(tr, ids), year_end(tr, ids)]
}

/// The organisation names attendees give: the partners' names.
fn organisation(tr: Tr, partner: &str) -> String {
    let (en, id) = match partner {
        DLH => (
            "Sukamaju City Environment Agency (DLH)",
            "Dinas Lingkungan Hidup Kota Sukamaju (DLH)",
        ),
        APHS => (
            "Sukamaju Green Business Association (APHS)",
            "Asosiasi Pengusaha Hijau Sukamaju (APHS)",
        ),
        NGO => ("Udara Kita Foundation", "Yayasan Udara Kita"),
        CAMPUS => (
            "Sukamaju Institute of Technology, Air Quality Research Centre",
            "Pusat Studi Kualitas Udara, Institut Teknologi Sukamaju",
        ),
        _ => (
            "Residents' Forum for Clean Air (FWPU)",
            "Forum Warga Peduli Udara (FWPU)",
        ),
    };
    tr.t(en, id)
}

fn attendee(tr: Tr, id: &str, name: &str, partner: &str) -> Attendee {
    Attendee {
        id: id.into(),
        name: name.into(),
        organisation: organisation(tr, partner),
        partner_id: Some(partner.into()),
    }
}

fn agenda(
    tr: Tr,
    id: &str,
    title: (&str, &str),
    presenter: &str,
    minutes: u32,
    done: bool,
) -> AgendaItem {
    AgendaItem {
        id: id.into(),
        title: tr.t(title.0, title.1),
        presenter: presenter.into(),
        duration_minutes: Some(minutes),
        done,
    }
}

fn decision(
    tr: Tr,
    id: &str,
    text: (&str, &str),
    method: DecisionMethod,
    date: &str,
    goal: Option<&str>,
) -> Decision {
    Decision {
        id: id.into(),
        text: tr.t(text.0, text.1),
        method,
        date: date.into(),
        goal_id: goal.map(Into::into),
    }
}

fn action(
    tr: Tr,
    id: &str,
    task: (&str, &str),
    owner: &str,
    due: &str,
    status: ActionStatus,
    goal: Option<&str>,
) -> ActionItem {
    ActionItem {
        id: id.into(),
        task: tr.t(task.0, task.1),
        owner_partner_id: Some(owner.into()),
        due: Some(due.into()),
        status,
        goal_id: goal.map(Into::into),
    }
}

fn steering_q3(tr: Tr, ids: &DemoIds) -> Meeting {
    let mut m = Meeting::new(
        tr.t(
            "Quarterly steering meeting – Q3 2025",
            "Rapat pengarah triwulan III 2025",
        ),
        "2025-09-16T09:30:00+07:00",
        "Asia/Jakarta",
    );
    m.charter_url = Some(ids.charter.url());
    m.attendees = vec![
        attendee(tr, "at-rina", "Rina Wulandari", DLH),
        attendee(tr, "at-hendra", "Hendra Gunawan", APHS),
        attendee(tr, "at-dewi", "Dewi Lestari", NGO),
        attendee(tr, "at-fajar", "Fajar Nugroho", NGO),
        attendee(tr, "at-siti", "Dr. Siti Rahmawati", CAMPUS),
        attendee(tr, "at-nur", "Nur Aini", RESIDENTS),
        attendee(tr, "at-joko", "Joko Susilo", RESIDENTS),
    ];
    m.agenda = vec![
        agenda(
            tr,
            "ag-indicators",
            (
                "Progress on the indicators (Q3)",
                "Kemajuan indikator (triwulan III)",
            ),
            "Dr. Siti Rahmawati",
            30,
            true,
        ),
        agenda(
            tr,
            "ag-haze",
            (
                "Dry-season haze: what we learned",
                "Kabut asap musim kemarau: pelajaran yang didapat",
            ),
            "Rina Wulandari",
            20,
            true,
        ),
        agenda(
            tr,
            "ag-fleets",
            (
                "Fleet emission testing from October",
                "Uji emisi armada mulai Oktober",
            ),
            "Hendra Gunawan",
            20,
            true,
        ),
        agenda(
            tr,
            "ag-funding",
            (
                "Sensor funding after June 2026",
                "Pendanaan sensor setelah Juni 2026",
            ),
            "Dewi Lestari",
            25,
            true,
        ),
        agenda(
            tr,
            "ag-aob",
            ("Any other business", "Lain-lain"),
            "Nur Aini",
            10,
            true,
        ),
    ];
    m.notes = Text::new(tr.t(
        "Nur Aini (FWPU) chaired the meeting under the rotating chair. All five partners were present; Joko Susilo joined for the first time, representing the neighbourhood heads.\n\n\
         Dr. Siti Rahmawati presented the Q3 indicators. The rolling annual mean of PM2.5 rose in June and July, with the dry season and three haze days from land burning outside the city, and fell again in August. At the end of August 77 sensors were installed and reporting; 8 of them had been offline for more than a week, mostly because of power cuts at the hosts' homes. Households reached stood at 7,240, on track.\n\n\
         Hendra Gunawan confirmed that the three largest fleet operators start monthly emission testing in October at the agency's testing site. He asked that results per company be published only with the company's consent. The partners agreed, provided the totals are always published.\n\n\
         Dewi Lestari reminded everyone that the grant covers sensor maintenance only until June 2026. Rina Wulandari will propose a budget line for network maintenance in the 2026 city budget, and the association will sound out its members about sponsoring sensors.",
        "Nur Aini (FWPU) memimpin rapat sesuai giliran pimpinan rapat. Kelima mitra hadir; Joko Susilo hadir untuk pertama kalinya sebagai wakil para ketua RW.\n\n\
         Dr. Siti Rahmawati memaparkan indikator triwulan III. Rata-rata tahunan bergulir PM2.5 naik pada Juni dan Juli, seiring musim kemarau dan tiga hari kabut asap dari pembakaran lahan di luar kota, lalu turun lagi pada Agustus. Pada akhir Agustus, 77 sensor sudah terpasang dan aktif; 8 di antaranya sempat mati lebih dari seminggu, sebagian besar karena listrik padam di rumah tuan rumah. Jumlah rumah tangga yang terjangkau mencapai 7.240, sesuai rencana.\n\n\
         Hendra Gunawan memastikan bahwa tiga operator armada terbesar mulai melakukan uji emisi bulanan pada Oktober di lokasi uji milik DLH. Ia meminta agar hasil per perusahaan hanya dipublikasikan dengan persetujuan perusahaan yang bersangkutan. Para mitra setuju, dengan syarat angka totalnya selalu dipublikasikan.\n\n\
         Dewi Lestari mengingatkan bahwa hibah hanya membiayai pemeliharaan sensor sampai Juni 2026. Rina Wulandari akan mengusulkan mata anggaran pemeliharaan jaringan dalam APBD 2026, dan asosiasi akan menjajaki minat anggotanya untuk mensponsori sensor.",
    ));
    let date = "2025-09-16";
    m.decisions = vec![
        decision(
            tr,
            "de-publish-tests",
            (
                "Fleet emission test results are published as totals every month; results per company only with the company's consent.",
                "Hasil uji emisi armada dipublikasikan sebagai angka total setiap bulan; hasil per perusahaan hanya dengan persetujuan perusahaan tersebut.",
            ),
            DecisionMethod::Consensus,
            date,
            Some(G_PM25),
        ),
        decision(
            tr,
            "de-offline-sensors",
            (
                "A cadre visits any sensor that has been offline for more than seven days within three days; hosts get a small battery backup.",
                "Sensor yang mati lebih dari tujuh hari dikunjungi kader dalam tiga hari; tuan rumah mendapat cadangan baterai kecil.",
            ),
            DecisionMethod::Consent,
            date,
            Some(G_SENSORS),
        ),
        decision(
            tr,
            "de-city-budget",
            (
                "The agency proposes a budget line for sensor maintenance in the 2026 city budget.",
                "DLH mengusulkan mata anggaran pemeliharaan sensor dalam APBD 2026.",
            ),
            DecisionMethod::Consensus,
            date,
            None,
        ),
    ];
    m.actions = vec![
        action(
            tr,
            "ac-budget-proposal",
            (
                "Send the budget proposal for sensor maintenance to the planning agency (Bappeda)",
                "Mengirim usulan anggaran pemeliharaan sensor ke Bappeda",
            ),
            DLH,
            "2025-10-15",
            ActionStatus::Done,
            Some(G_SENSORS),
        ),
        action(
            tr,
            "ac-batteries",
            (
                "Buy 40 battery backups for sensor hosts",
                "Membeli 40 cadangan baterai untuk tuan rumah sensor",
            ),
            NGO,
            "2025-10-31",
            ActionStatus::Done,
            Some(G_SENSORS),
        ),
        action(
            tr,
            "ac-fleet-testing",
            (
                "Start monthly emission testing for the three largest fleets",
                "Memulai uji emisi bulanan untuk tiga armada terbesar",
            ),
            APHS,
            "2025-10-01",
            ActionStatus::Done,
            Some(G_PM25),
        ),
        action(
            tr,
            "ac-consent-form",
            (
                "Draft the consent form for publishing results per company",
                "Menyusun formulir persetujuan publikasi hasil per perusahaan",
            ),
            CAMPUS,
            "2025-10-10",
            ActionStatus::InProgress,
            Some(G_PM25),
        ),
        action(
            tr,
            "ac-power-survey",
            (
                "Survey the hosts of offline sensors about power cuts",
                "Menyurvei tuan rumah sensor yang sering mati listrik",
            ),
            RESIDENTS,
            "2025-10-31",
            ActionStatus::Cancelled,
            Some(G_SENSORS),
        ),
    ];
    m
}

fn year_end(tr: Tr, ids: &DemoIds) -> Meeting {
    let mut m = Meeting::new(
        tr.t(
            "Year-end review and 2026 plan",
            "Tinjauan akhir tahun dan rencana 2026",
        ),
        "2025-12-09T13:00:00+07:00",
        "Asia/Jakarta",
    );
    m.charter_url = Some(ids.charter.url());
    m.attendees = vec![
        attendee(tr, "at-rina", "Rina Wulandari", DLH),
        attendee(tr, "at-agus", "Agus Prasetyo", DLH),
        attendee(tr, "at-maya", "Maya Sari", APHS),
        attendee(tr, "at-dewi", "Dewi Lestari", NGO),
        attendee(tr, "at-siti", "Dr. Siti Rahmawati", CAMPUS),
        attendee(tr, "at-bayu", "Bayu Saputra", CAMPUS),
        attendee(tr, "at-nur", "Nur Aini", RESIDENTS),
        Attendee {
            id: "at-laura".into(),
            name: "Laura Bennett".into(),
            organisation: tr.t(
                "Nusantara Clean Air Fund (funder, online)",
                "Dana Udara Bersih Nusantara (penyandang dana, daring)",
            ),
            partner_id: None,
        },
    ];
    m.agenda = vec![
        agenda(
            tr,
            "ag-results",
            (
                "2025 results against the targets",
                "Hasil 2025 dibandingkan target",
            ),
            "Dr. Siti Rahmawati",
            30,
            true,
        ),
        agenda(
            tr,
            "ag-sensors",
            (
                "Sensor network: target reached, what next",
                "Jaringan sensor: target tercapai, langkah berikutnya",
            ),
            "Bayu Saputra",
            20,
            true,
        ),
        agenda(
            tr,
            "ag-feedback",
            (
                "Residents' feedback from the cadres",
                "Masukan warga dari para kader",
            ),
            "Nur Aini",
            20,
            true,
        ),
        agenda(
            tr,
            "ag-plan",
            (
                "2026 work plan and budget",
                "Rencana kerja dan anggaran 2026",
            ),
            "Dewi Lestari",
            40,
            true,
        ),
        agenda(
            tr,
            "ag-funder",
            (
                "Questions from the funder",
                "Pertanyaan dari penyandang dana",
            ),
            "Laura Bennett",
            15,
            false,
        ),
    ];
    m.notes = Text::new(tr.t(
        "Maya Sari (APHS) chaired. Laura Bennett, programme officer of the Nusantara Clean Air Fund, joined online for the first hour.\n\n\
         Dr. Siti Rahmawati presented the 2025 results. The rolling annual mean of PM2.5 was 37.9 µg/m³ at the end of November, down from 41.2 at the baseline: a little under a third of the way to the 2026 target. The fall began in October, when fleet emission testing started and the rainy season set in, so the partners agreed not to claim the whole improvement as their own until a full year of data is in. School clinic visits for respiratory complaints fell to 15.2 per 1,000 pupils.\n\n\
         Bayu Saputra reported that the sensor network reached its target early: 112 sensors at the end of November, with 123 expected by the end of December. The goal is marked achieved at the end of the year; the work continues as maintenance.\n\n\
         Nur Aini shared the cadres' feedback: residents trust the WhatsApp alerts, but in the dry season people still burn leaves because waste is collected only twice a week. The partners agreed to take waste collection up with the sanitation service rather than rely on warnings alone.\n\n\
         The funder's questions (item 5) were moved to the January meeting for lack of time.",
        "Maya Sari (APHS) memimpin rapat. Laura Bennett, petugas program Dana Udara Bersih Nusantara, bergabung secara daring pada satu jam pertama.\n\n\
         Dr. Siti Rahmawati memaparkan hasil 2025. Rata-rata tahunan bergulir PM2.5 pada akhir November adalah 37,9 µg/m³, turun dari 41,2 pada nilai awal: hampir sepertiga jalan menuju target 2026. Penurunan dimulai pada Oktober, bersamaan dengan dimulainya uji emisi armada dan datangnya musim hujan, sehingga para mitra sepakat untuk tidak mengklaim seluruh perbaikan sebagai hasil kerja kemitraan sebelum data satu tahun penuh tersedia. Kunjungan ke UKS karena keluhan pernapasan turun menjadi 15,2 per 1.000 siswa.\n\n\
         Bayu Saputra melaporkan bahwa jaringan sensor mencapai targetnya lebih cepat: 112 sensor pada akhir November, dan 123 sensor diperkirakan aktif pada akhir Desember. Tujuan ini ditandai tercapai pada akhir tahun; pekerjaan berlanjut sebagai pemeliharaan.\n\n\
         Nur Aini menyampaikan masukan dari para kader: warga memercayai peringatan WhatsApp, tetapi pada musim kemarau warga masih membakar daun karena sampah hanya diangkut dua kali seminggu. Para mitra sepakat membawa soal pengangkutan sampah ke Dinas Kebersihan, alih-alih hanya mengandalkan imbauan.\n\n\
         Pertanyaan dari penyandang dana (agenda ke-5) dipindahkan ke rapat Januari karena waktu tidak cukup.",
    ));
    let date = "2025-12-09";
    m.decisions = vec![
        decision(
            tr,
            "de-sensors-achieved",
            (
                "The sensor-network goal is marked achieved; from 2026 the network is maintained under the sustainability plan.",
                "Tujuan jaringan sensor ditandai tercapai; mulai 2026 jaringan dipelihara sesuai rencana keberlanjutan.",
            ),
            DecisionMethod::Consensus,
            date,
            Some(G_SENSORS),
        ),
        decision(
            tr,
            "de-waste-collection",
            (
                "Ask the sanitation service for a third weekly waste collection in the five neighbourhoods where most burning happens.",
                "Meminta Dinas Kebersihan menambah pengangkutan sampah menjadi tiga kali seminggu di lima lingkungan dengan pembakaran sampah terbanyak.",
            ),
            DecisionMethod::Consensus,
            date,
            Some(G_PM25),
        ),
        decision(
            tr,
            "de-work-plan",
            (
                "The 2026 work plan is approved (5 votes in favour); the budget is final once the city budget is adopted.",
                "Rencana kerja 2026 disetujui (5 suara setuju); anggaran menjadi final setelah APBD ditetapkan.",
            ),
            DecisionMethod::Vote,
            date,
            None,
        ),
        decision(
            tr,
            "de-more-schools",
            (
                "Extend the school programme from 12 to 20 schools from the new school year (July 2026).",
                "Memperluas program sekolah dari 12 menjadi 20 sekolah mulai tahun ajaran baru (Juli 2026).",
            ),
            DecisionMethod::Consent,
            date,
            Some(G_SCHOOLS),
        ),
    ];
    m.actions = vec![
        action(
            tr,
            "ac-sanitation-letter",
            (
                "Write to the sanitation service about waste collection in the five hotspot neighbourhoods",
                "Menyurati Dinas Kebersihan tentang pengangkutan sampah di lima lingkungan rawan pembakaran",
            ),
            DLH,
            "2026-01-09",
            ActionStatus::Open,
            Some(G_PM25),
        ),
        action(
            tr,
            "ac-funder-report",
            (
                "Prepare the six-month progress report for the funder (exported from Mitra)",
                "Menyiapkan laporan kemajuan enam bulanan untuk penyandang dana (diekspor dari Mitra)",
            ),
            NGO,
            "2026-01-16",
            ActionStatus::InProgress,
            None,
        ),
        action(
            tr,
            "ac-select-schools",
            (
                "Select the eight additional schools with the education office",
                "Memilih delapan sekolah tambahan bersama Dinas Pendidikan",
            ),
            CAMPUS,
            "2026-02-27",
            ActionStatus::Open,
            Some(G_SCHOOLS),
        ),
        action(
            tr,
            "ac-adopt-a-sensor",
            (
                "Launch the adopt-a-sensor sponsorship for member companies",
                "Meluncurkan program adopsi sensor untuk perusahaan anggota",
            ),
            APHS,
            "2026-02-13",
            ActionStatus::Open,
            Some(G_SENSORS),
        ),
        action(
            tr,
            "ac-youth-hosts",
            (
                "Recruit Karang Taruna youth groups as sensor hosts and reserve cadres",
                "Merekrut Karang Taruna sebagai tuan rumah sensor dan kader cadangan",
            ),
            RESIDENTS,
            "2026-03-31",
            ActionStatus::Open,
            Some(G_HOUSEHOLDS),
        ),
    ];
    m
}
