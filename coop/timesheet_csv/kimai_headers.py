"""The column headers of Kimai's CSV export in every language Kimai ships.

Kimai writes its export headers through its translator, in the language of the export. The words
below are the targets of the translation keys its CSV exporter uses for the columns we read
(resnames `date`, `begin`, `end`, `duration`, `alias`, `username`, `email`, `customer`, `project`,
`activity`, `description`, `id`; see `src/Export/ColumnConverter.php`), read from
`translations/messages.<language>.xlf` of github.com/kimai/kimai at commit
1f421c276badbf9eeff40852de305a1e4c1e829f (2026-08-19). An empty word is a key the language does
not translate: Kimai then writes the English word, and so does `kimai_headers()`.
"""

KIMAI_COLUMNS = (
    "date",
    "begin",
    "end",
    "duration",
    "alias",
    "username",
    "email",
    "customer",
    "project",
    "activity",
    "description",
    "id",
)

# language: the words of KIMAI_COLUMNS, in that order, separated by "|"
_TABLE = {
    "en": "Date|From|To|Duration|Name|User|E-mail|Customer|Project|Activity|Description|ID",
    "ar": (
        "التاريخ|من|إلى|المدة الزمنية|الإسم|اسم المستخدم|البريد الإلكتروني|الزبون|المشروع|النشاط|"
        "وصف|ID"
    ),
    "bg": (
        "Дата|От|До|Продължителност|Име|Потребител|Електронна поща|Клиент|Проект|Дейност|Описание|"
        "ID"
    ),
    "ca": "Data|De|A|Duració|Nom|Usuari|Correu electrònic|Client|Projecte|Activitat|Descripció|ID",
    "cs": (
        "Datum|Od|Do|Doba trvání|Jméno|Uživatelské jméno|E-mail|Zákazník|Projekt|Aktivita|Popis|ID"
    ),
    "da": "Dato|Fra|Til|Varighed|Navn|Bruger|E-mail|Kunde|Projekt|Aktivitet|Beskrivelse|ID",
    "de": "Datum|Von|Bis|Dauer|Name|Benutzer|E-Mail|Kunde|Projekt|Tätigkeit|Beschreibung|ID",
    "de_CH": "Datum|Von|Bis|Dauer|Name|Benutzer|E-Mail|Kunde|Projekt|Tätigkeit|Beschreibung|ID",
    "el": (
        "Ημερομηνία|Από|Σε|Διάρκεια|Όνομα|Χρήστης|Ηλεκτρονική διεύθυνση|Πελάτης|Έργο|Δραστηριότητα|"
        "Περιγραφή|ID"
    ),
    "eo": "Dato|De|Al|Daŭro|Nomo|Uzanto|Retadreso|Kliento|Projekto|Aktivaĵo|Priskribo|ID",
    "es": (
        "Fecha|De|Para|Duración|Nombre|Usuario|Correo electrónico|Cliente|Proyecto|Actividad|"
        "Descripción|Id."
    ),
    "et": "Kuupäev|Alates|Kuni|Kestvus|Nimi|Kasutaja|E-mail|Klient|Projekt|Tegevus|Kirjeldus|ID",
    "eu": (
        "Data|Hasi|Bukatu|Iraupena|Izena|Erabiltzaile izena|Emaila|Bezeroa|Proiektua|Jarduera|"
        "Deskribapena|ID"
    ),
    "fa": "تاریخ|از|به|مدت زمان|نام|کاربر|ایمیل|مشتری|پروژه|فعالیت|توضیحات|شناسه",
    "fi": (
        "Päivämäärä|Alkaen|Saakka|Kesto|Nimi|Käyttäjä|Sähköposti|Asiakas|Projekti|Työtehtävä|"
        "Kuvaus|ID"
    ),
    "fo": (
        "Dato|Frá|Til|Tíðarlongd|Navn|Brúkari|Teldupostur|Kundi|Verkætlan|Virksemi|Frágreiðing|ID"
    ),
    "fr": (
        "Date|De|À|Durée|Nom|Nom d'utilisateur|Courriel|Client|Projet|Activité|Description|"
        "Identifiant"
    ),
    "he": "תאריך|התחלה|סיום|משך זמן|שם|שם משתמש|דוא״ל|לקוח|מיזם|פעילות|תיאור|מזהה",
    "hr": "Datum|Od|Do|Trajanje|Ime|Korisnik|E-mail|Kupac|Projekt|Aktivnost|Opis|ID",
    "hu": (
        "Dátum|Kezdés|Befejezés|Időtartam|Név|Felhasználónév|E-mail|Ügyfél|Projekt|Tevékenység|"
        "Leírás|ID"
    ),
    "id": "Tanggal|Dari|Kepada|Durasi|Nama|Pengguna|Surel|Pelanggan|Proyek|Aktivitas|Deskripsi|ID",
    "it": "Data|Da|A|Durata|Nome|Utente|E-mail|Cliente|Progetto|Attività|Descrizione|ID",
    "ja": "日付|From|To|期間|名前|ユーザー名|電子メール|得意先|プロジェクト|アクティビティ|説明|ID",
    "ko": "날짜|시작|종료|소요시간|이름|사용자 이름|이메일|고객|프로젝트|활동|업무 보고|아이디",
    "lv": "Datums|||Ilgums||Lietotājs|||||Apraksts|",
    "mk": "Датум|Од|До|Траење|Име|Корисник|е-пошта|Клиент|Проект|Активност|Опис|Идентификатор",
    "nb_NO": "Dato|Fra|Til|Varighet|Navn|Bruker|E-post|Kunde|Prosjekt|Aktivitet|Beskrivelse|ID",
    "nl": "Datum|Van|Tot|Duur|Naam|Gebruikersnaam|E-mail|Klant|Project|Activiteit|Beschrijving|ID",
    "pa": "ਤਾਰੀਖ਼|||ਮਿਆਦ||ਯੂਜ਼ਰ|E-mail|ਗਾਹਕ|ਪ੍ਰੋਜੈਕਟ||ਵਰਣਨ|ID",
    "pl": "Data|Od|Do|Czas trwania|Nazwa|Użytkownik|E-mail|Klient|Projekt|Aktywność|Opis|ID",
    "pt": (
        "Data|De|Para|Duração|Nome|Nome do utilizador|Email|Cliente|Projeto|Atividade|Descrição|ID"
    ),
    "pt_BR": (
        "Data|De|Para|Duração|Nome|Nome do usuário|E-mail|Cliente|Projeto|Atividade|Descrição|ID"
    ),
    "ro": "Data|De la|Până la|Durata|Nume|Utilizator|E-mail|Client|Proiect|Activitate|Descriere|ID",
    "ru": (
        "Дата|С|До|Длительность|Имя|Имя пользователя|Эл. почта|Клиент|Проект|Активность|Описание|ИД"
    ),
    "sk": "Dátum|Od|Do|Trvanie|Meno|Prihlasovacie meno|E-mail|Zákazník|Projekt|Činnosti|Popis|ID",
    "sl": "Datum|Od|Za|Trajanje||Uporabniško ime|E-mail|Stranka|Projekt|Aktivnost|Opis|ID",
    "sr": "Datum|Od|Do|Trajanje|Naziv|Korisnik|E-pošta|Klijent|Projekat|Aktivnost|Opis|ID",
    "sv": "Datum|Från|till|Längd|Namn|Användare|E-post|Kund|Projekt|Aktivitet|Beskrivning|ID",
    "ta": ("திகதி|இருந்து|பெறுநர்|காலம்|பெயர்|பயனர்|மின்னஞ்சல்|வாடிக்கையாளர்|திட்டம்|செய்கைப்பாடு|விவரம்|அடையாளம்"),
    "tr": "Tarih|Başlangıç|Bitiş|Süre|Ad|Kullanıcı|E-posta|Müşteri|Proje|Etkinlik|Açıklama|ID",
    "uk": "Дата|З|До|Тривалість|Ім'я|Користувач|Ел.пошта|Клієнт|Проєкт|Діяльність|Опис|ID",
    "vi": "Ngày|Từ|Đến|Thời lượng|Tên|Người dùng|Email|Khách hàng|Dự án|Hoạt động|Mô tả|ID",
    "zh_CN": "日期|始于|至|持续时间|名字|用户|电子邮件|客户|项目|活动|描述|ID",
    "zh_Hant": "日期|從|到|持續時長|姓名|使用者名稱|電子郵件|客戶|專案|活動|說明|ID",
}


def kimai_headers() -> dict[str, dict[str, str]]:
    """language → column key → header word, the English word where a language has none."""
    english = dict(zip(KIMAI_COLUMNS, _TABLE["en"].split("|"), strict=True))
    languages = {}
    for language, words in _TABLE.items():
        translated = dict(zip(KIMAI_COLUMNS, words.split("|"), strict=True))
        languages[language] = {key: translated[key] or english[key] for key in KIMAI_COLUMNS}
    return languages
