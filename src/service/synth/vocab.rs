//! The words of the synthetic KB: product families and lines, spec ranges, symptoms, fixes,
//! features, policies, plans, FAQ topics and question templates, in English and Chinese.
//!
//! This is data, not logic: `synth.rs` combines it. Templates hold `{slot}` placeholders that the
//! generator fills; every slot a template names must be one the generator provides for that kind
//! of template (the generator's tests fill every template once).

/// The fictional brand, its app and the support site every text refers to.
pub const BRAND: &str = "Corvia";
pub const SKU_PREFIX: &str = "CV";
pub const APP: &str = "Corvia Home";
pub const APP_ZH: &str = "Corvia 智家";

/// A top-level category: a family of product lines sharing error codes, symptoms and features.
pub struct Family {
    pub key: &'static str,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub text: &'static str,
    /// Error codes of the family start with one of these letters (`E-4431`).
    pub code_letters: [&'static str; 2],
    pub button: (&'static str, &'static str),
    pub symptoms: &'static [Symptom],
    pub generic_solutions: &'static [GenericSolution],
    pub features: &'static [FeatureBase],
    /// Sentence endings for product descriptions ("… built for busy family homes").
    pub taglines: &'static [&'static str],
}

pub struct Symptom {
    pub en: &'static str,
    pub zh: &'static str,
    /// Follows "Likely cause:".
    pub cause: &'static str,
    /// The product lines it happens on (empty: every line of the family).
    pub lines: &'static [&'static str],
    /// The repair written as the issue's own solution.
    pub fix: Fix,
}

/// A specific repair: a short name and the steps, in which `{noun}` is the product noun.
pub struct Fix {
    pub en: &'static str,
    pub zh: &'static str,
    pub steps: &'static [&'static str],
}

pub struct GenericSolution {
    pub slug: &'static str,
    pub name: &'static str,
    pub zh: &'static str,
    pub text: &'static str,
}

pub struct FeatureBase {
    pub slug: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub text: &'static str,
}

/// How a spec value is drawn.
pub enum Values {
    /// Integers `lo..=hi` in steps of `step`.
    Range(u32, u32, u32),
    /// One of these numbers, written as JSON numbers (`6.1`, `128`).
    Numbers(&'static [&'static str]),
    /// One of these strings.
    Texts(&'static [&'static str]),
}

pub struct Spec {
    pub key: &'static str,
    pub values: Values,
    /// How the description says it, with `{v}` for the value ("a {v} mAh battery").
    pub phrase: &'static str,
}

/// A product line (leaf category).
pub struct Leaf {
    pub key: &'static str,
    pub family: &'static str,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub text: &'static str,
    pub noun: &'static str,
    pub nouns: &'static str,
    pub noun_zh: &'static str,
    /// Series names, disjoint across lines so that product names are unique.
    pub series: &'static [&'static str],
    /// Chinese series names, by position in `series` ("" when there is none).
    pub series_zh: &'static [&'static str],
    pub model_prefixes: [&'static str; 2],
    /// Price range in whole currency units.
    pub price: (u32, u32),
    pub specs: &'static [Spec],
    /// Relative share of the products.
    pub weight: u32,
    pub warranty: &'static str,
    pub returns: &'static str,
    /// Lines whose products this line's products are compatible with (accessory → device).
    pub compatible: &'static [&'static str],
    /// Lines one of whose products this line's products require, with the share that do.
    pub requires: (&'static [&'static str], u32),
    pub in_box: (&'static str, &'static str),
}

/// Lines in the order they are switched on as the KB grows, so that a small KB still spans
/// several families.
pub const LEAF_ORDER: &[&str] = &[
    "smartphones",
    "routers",
    "earbuds",
    "cameras",
    "chargers",
    "smartwatches",
    "laptops",
    "mesh",
    "speakers",
    "cases",
    "hubs",
    "locks",
    "tablets",
    "headphones",
    "power-banks",
    "doorbells",
    "bulbs",
    "monitors",
    "extenders",
    "cables",
    "soundbars",
    "plugs",
    "fitness-bands",
    "keyboards",
    "watch-straps",
];

const COLORS: Values = Values::Texts(&[
    "Midnight Black",
    "Glacier White",
    "Slate Grey",
    "Ocean Blue",
    "Sage Green",
    "Coral Pink",
    "Graphite",
    "Sand Beige",
]);

pub const FAMILIES: &[Family] = &[
    Family {
        key: "networking",
        name: "Networking",
        aliases: &["network devices", "Wi-Fi & networking", "网络设备", "网络产品"],
        text: "Corvia networking products: Wi-Fi routers, mesh Wi-Fi systems and range extenders for homes and small offices.",
        code_letters: ["E", "N"],
        button: ("reset", "复位"),
        symptoms: &[
            Symptom { en: "WAN link down", zh: "外网断开", cause: "the router cannot detect a live connection on its internet port, usually because of a loose cable or a modem that is restarting", lines: &["routers", "mesh"], fix: Fix { en: "reseat the WAN cable and restart the modem", zh: "重新插拔网线并重启光猫", steps: &["Unplug the Ethernet cable between the modem and the {noun} at both ends and plug it back in until it clicks.", "Turn the modem off for 60 seconds, then on again.", "Wait until the modem's internet light is steady before you power the {noun} back on."] } },
            Symptom { en: "no IP address from the modem", zh: "获取不到IP地址", cause: "the modem still remembers the previous router and refuses to hand out a new address", lines: &["routers", "mesh"], fix: Fix { en: "clone the old router's MAC address", zh: "克隆旧路由器的 MAC 地址", steps: &["Open the {app} app and go to Network > Internet.", "Turn on Clone MAC and enter the MAC address printed on your old router.", "Save and wait two minutes for the {noun} to reconnect."] } },
            Symptom { en: "firmware update failed", zh: "固件升级失败", cause: "the download was interrupted or the unit lost power during the update", lines: &[], fix: Fix { en: "reinstall the firmware from the app", zh: "在 App 中重新安装固件", steps: &["Keep the {noun} plugged in and connected to the internet.", "In the {app} app open Settings > Firmware and tap Reinstall.", "Do not unplug the {noun} until the light turns solid white (about 8 minutes)."] } },
            Symptom { en: "Wi-Fi keeps dropping", zh: "WiFi 频繁断线", cause: "a crowded Wi-Fi channel or devices roaming between bands too aggressively", lines: &[], fix: Fix { en: "switch to a less crowded Wi-Fi channel", zh: "切换到空闲的 WiFi 信道", steps: &["In the {app} app open Wi-Fi > Advanced.", "Set the channel to Auto or pick the channel the app marks as least busy.", "Turn off Wi-Fi on your devices for ten seconds so they reconnect on the new channel."] } },
            Symptom { en: "PPPoE authentication failed", zh: "拨号认证失败", cause: "the PPPoE user name or password does not match what your internet provider issued", lines: &["routers", "mesh"], fix: Fix { en: "re-enter the PPPoE login", zh: "重新输入宽带账号密码", steps: &["Find the PPPoE user name and password in your internet provider's welcome letter.", "In the {app} app go to Network > Internet > PPPoE and type them again.", "Save; the {noun} redials within a minute."] } },
            Symptom { en: "satellite offline", zh: "节点离线", cause: "the satellite is too far from the main unit or lost power", lines: &["mesh"], fix: Fix { en: "move the satellite closer to the main unit", zh: "把节点移近主路由", steps: &["Place the satellite halfway between the main unit and the area with weak Wi-Fi.", "Keep it off the floor and away from microwaves and fish tanks.", "Wait until its light turns white, then run a speed test in the app."] } },
            Symptom { en: "extender can't reach the router", zh: "放大器连不上主路由", cause: "the extender is plugged in where the router's signal is already too weak", lines: &["extenders"], fix: Fix { en: "plug the extender in closer to the router", zh: "把放大器插到离路由器更近的位置", steps: &["Plug the {noun} in halfway between the router and the dead zone.", "Wait until its signal light is green or amber, not red.", "Run the placement check in the {app} app."] } },
            Symptom { en: "overheating warning", zh: "过热警告", cause: "the unit is in an enclosed cabinet or its vents are blocked", lines: &["routers", "mesh"], fix: Fix { en: "improve ventilation", zh: "改善散热", steps: &["Take the {noun} out of any cabinet and keep 10 cm free around its vents.", "Let it cool down for 15 minutes unplugged.", "Turn on Eco mode in the app if the room is warmer than 35 °C."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "power-cycle-network", name: "Power-cycle your modem and router", zh: "重启光猫和路由器", text: "1. Unplug the modem and the router. 2. Wait 60 seconds. 3. Plug in the modem first and wait until its internet light is steady. 4. Plug in the router and wait three minutes for the status light to turn white." },
            GenericSolution { slug: "update-router-firmware", name: "Update your router firmware", zh: "升级路由器固件", text: "Open the Corvia Home app, select your router and go to Settings > Firmware. Tap Check for updates and install what is offered. The router restarts once; keep it plugged in until the light is solid white." },
            GenericSolution { slug: "factory-reset-router", name: "Factory reset your router", zh: "路由器恢复出厂设置", text: "Press and hold the reset button for 10 seconds until the light blinks orange. The router restarts with factory settings, so set it up again in the Corvia Home app afterwards." },
            GenericSolution { slug: "optimise-wifi-placement", name: "Find a better spot for your Wi-Fi", zh: "调整路由器摆放位置", text: "Put the router in a central, open place at chest height, away from metal furniture and microwaves. Use the Wi-Fi signal map in the app to check the weak rooms." },
        ],
        features: &[
            FeatureBase { slug: "wifi-6", en: "Wi-Fi 6", zh: "WiFi 6", text: "Wi-Fi 6 (802.11ax) serves many devices at once with lower latency using OFDMA and MU-MIMO." },
            FeatureBase { slug: "wifi-7", en: "Wi-Fi 7", zh: "WiFi 7", text: "Wi-Fi 7 (802.11be) adds 320 MHz channels and multi-link operation for very low latency." },
            FeatureBase { slug: "mesh-roaming", en: "Seamless Mesh Roaming", zh: "Mesh 无缝漫游", text: "Devices move between the router and satellites without dropping the connection, under one Wi-Fi name." },
            FeatureBase { slug: "parental-controls", en: "Parental Controls", zh: "家长控制", text: "Profiles per child with bedtime schedules, pause buttons and website filters." },
            FeatureBase { slug: "guest-network", en: "Guest Network", zh: "访客网络", text: "A separate Wi-Fi network for visitors that reaches the internet but not your own devices." },
            FeatureBase { slug: "wpa3", en: "WPA3 Security", zh: "WPA3 加密", text: "The latest Wi-Fi encryption standard, which resists password-guessing attacks." },
            FeatureBase { slug: "vpn-server", en: "Built-in VPN Server", zh: "内置 VPN 服务器", text: "Reach your home network securely from anywhere with WireGuard or OpenVPN." },
            FeatureBase { slug: "gaming-qos", en: "Gaming QoS", zh: "游戏加速", text: "Detects game traffic and gives it priority over downloads and streaming." },
            FeatureBase { slug: "threat-protection", en: "Network Threat Protection", zh: "网络威胁防护", text: "Blocks known malicious sites and alerts you when a device behaves suspiciously." },
            FeatureBase { slug: "band-steering", en: "Smart Band Steering", zh: "智能频段切换", text: "Moves each device to the best band automatically." },
        ],
        taglines: &["for busy family homes", "built for low-latency gaming", "that keeps every room connected", "for apartments and small offices"],
    },
    Family {
        key: "phones",
        name: "Phones & Tablets",
        aliases: &["mobile devices", "phones", "智能手机与平板", "手机平板"],
        text: "Corvia Android smartphones and tablets, with two years of warranty and at least four years of software updates.",
        code_letters: ["P", "B"],
        button: ("power", "电源"),
        symptoms: &[
            Symptom { en: "battery drains overnight", zh: "待机耗电快", cause: "an app keeps the device awake in the background or the battery needs recalibration", lines: &[], fix: Fix { en: "recalibrate the battery", zh: "校准电池", steps: &["Use the {noun} until it switches off by itself.", "Charge it to 100% without interruption using the original charger.", "Restart it and check Settings > Battery > Usage to find apps that keep it awake."] } },
            Symptom { en: "charging paused at 80%", zh: "充到80%不再充电", cause: "adaptive charging holds the battery at 80% to protect it until shortly before your alarm", lines: &[], fix: Fix { en: "turn off adaptive charging for one charge", zh: "暂时关闭自适应充电", steps: &["Open Settings > Battery > Adaptive charging.", "Turn it off, or tap Charge to full now on the lock screen.", "Leave the {noun} on the charger until it reaches 100%."] } },
            Symptom { en: "SIM card not detected", zh: "无法识别SIM卡", cause: "the SIM tray is not fully inserted or the SIM contacts are dirty", lines: &["smartphones"], fix: Fix { en: "clean and reinsert the SIM card", zh: "清洁并重新插入SIM卡", steps: &["Switch the {noun} off and open the SIM tray with the ejector tool.", "Wipe the gold contacts gently with a dry, lint-free cloth.", "Reinsert the tray until it is flush, then switch the {noun} on."] } },
            Symptom { en: "stuck on the boot logo", zh: "卡在开机画面", cause: "an interrupted system update or a full storage partition", lines: &[], fix: Fix { en: "boot into recovery and wipe the cache", zh: "进入恢复模式清除缓存", steps: &["Hold the power and volume-down buttons for 15 seconds until the recovery menu appears.", "Choose Wipe cache partition with the volume keys and confirm with power.", "Choose Reboot system now; your photos and apps are kept."] } },
            Symptom { en: "touch screen not responding", zh: "触摸屏失灵", cause: "a screen protector that is too thick or a frozen system process", lines: &[], fix: Fix { en: "force restart and remove the screen protector", zh: "强制重启并取下贴膜", steps: &["Hold the power and volume-up buttons for 20 seconds until the {noun} restarts.", "Peel off any third-party screen protector.", "Turn on Settings > Display > Touch sensitivity if you use a thick protector."] } },
            Symptom { en: "camera app crashes", zh: "相机闪退", cause: "a corrupted camera cache after an update", lines: &[], fix: Fix { en: "clear the camera app's cache", zh: "清除相机应用缓存", steps: &["Open Settings > Apps > Camera > Storage.", "Tap Clear cache, then Force stop.", "Open the camera again and install any pending system update."] } },
            Symptom { en: "overheating while charging", zh: "充电时发烫", cause: "charging under a thick case or heavy use while charging", lines: &[], fix: Fix { en: "let it cool and charge without the case", zh: "取下保护壳降温后再充电", steps: &["Unplug the {noun}, take it out of its case and close heavy apps.", "Let it cool for 10 minutes in a shaded place.", "Charge it with the original charger on a hard surface."] } },
            Symptom { en: "no mobile data", zh: "移动数据无法上网", cause: "wrong APN settings or a network outage at your carrier", lines: &["smartphones"], fix: Fix { en: "reset the network settings", zh: "重置网络设置", steps: &["Open Settings > System > Reset options.", "Tap Reset Wi-Fi, mobile & Bluetooth and confirm.", "Re-enter your Wi-Fi password and check the APN under Mobile network > Access point names."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "restart-safe-mode", name: "Restart your phone in safe mode", zh: "以安全模式重启手机", text: "Press and hold the power button, then touch and hold Power off until Safe mode appears. In safe mode only built-in apps run; if the problem disappears, uninstall recently added apps one by one." },
            GenericSolution { slug: "update-phone-software", name: "Install the latest system update", zh: "安装最新系统更新", text: "Go to Settings > System > Software update and tap Check for update. Charge above 50% and stay on Wi-Fi; the phone restarts once to finish." },
            GenericSolution { slug: "factory-reset-phone", name: "Factory reset your phone", zh: "手机恢复出厂设置", text: "Back up first under Settings > System > Backup. Then go to Settings > System > Reset options > Erase all data and confirm with your PIN. The reset takes about 10 minutes." },
        ],
        features: &[
            FeatureBase { slug: "5g", en: "5G Connectivity", zh: "5G 网络", text: "Sub-6 GHz 5G for faster downloads where your carrier offers it." },
            FeatureBase { slug: "wireless-charging", en: "Wireless Charging", zh: "无线充电", text: "Qi-compatible wireless charging up to 15 W." },
            FeatureBase { slug: "face-unlock", en: "Face Unlock", zh: "人脸解锁", text: "Unlock the screen by looking at it, with an attention check." },
            FeatureBase { slug: "night-mode", en: "Night Mode Photography", zh: "夜景模式", text: "Combines several exposures for bright, low-noise photos in the dark." },
            FeatureBase { slug: "dual-sim", en: "Dual SIM", zh: "双卡双待", text: "Two SIM cards, or one SIM and one eSIM, active at the same time." },
            FeatureBase { slug: "reverse-charging", en: "Reverse Wireless Charging", zh: "无线反向充电", text: "Charge earbuds or a watch by placing them on the back of the device." },
            FeatureBase { slug: "ois", en: "Optical Image Stabilization", zh: "光学防抖", text: "A moving lens element steadies photos and video." },
            FeatureBase { slug: "high-refresh-display", en: "120 Hz Display", zh: "120Hz 高刷屏", text: "Smoother scrolling and animations with an adaptive refresh rate." },
            FeatureBase { slug: "nfc-payments", en: "NFC Payments", zh: "NFC 支付", text: "Pay at contactless terminals with your phone." },
        ],
        taglines: &["with an all-day battery", "for people who love photography", "at a price that makes sense", "built to last for years"],
    },
    Family {
        key: "audio",
        name: "Audio",
        aliases: &["sound", "audio products", "音频", "音响产品"],
        text: "Earbuds, headphones, portable speakers and soundbars.",
        code_letters: ["A", "U"],
        button: ("multi-function", "多功能"),
        symptoms: &[
            Symptom { en: "one earbud not connecting", zh: "单边耳机没声音", cause: "the two earbuds lost their link to each other", lines: &["earbuds"], fix: Fix { en: "reset and re-pair the earbuds", zh: "复位并重新配对耳机", steps: &["Put both earbuds in the case and keep the lid open.", "Hold the case button for 15 seconds until the light flashes amber, then white.", "Forget the {noun} in your phone's Bluetooth settings and pair them again."] } },
            Symptom { en: "Bluetooth pairing failed", zh: "蓝牙配对失败", cause: "the device still remembers an old pairing or is connected to another phone", lines: &[], fix: Fix { en: "clear the pairing list and pair again", zh: "清除配对列表后重新配对", steps: &["Hold the multi-function button for 10 seconds to clear the pairing list of the {noun}.", "Forget the {noun} in your phone's Bluetooth settings.", "Turn Bluetooth off and on, then pair from the {app} app."] } },
            Symptom { en: "audio cuts out", zh: "声音断断续续", cause: "interference from Wi-Fi or the phone sitting in a back pocket", lines: &[], fix: Fix { en: "change the Bluetooth codec", zh: "切换蓝牙编码", steps: &["In the {app} app open Sound > Connection.", "Switch from LDAC to AAC or SBC for a steadier connection.", "Keep the phone in a front pocket or on the same side as the {noun}."] } },
            Symptom { en: "charging case not charging", zh: "充电盒充不进电", cause: "dirty charging contacts or a cable that only carries data", lines: &["earbuds"], fix: Fix { en: "clean the charging contacts", zh: "清洁充电触点", steps: &["Wipe the contacts in the case and on the {noun} with a dry cotton swab.", "Use the cable from the box or one that supports data and charging.", "Leave it charging for 30 minutes before checking the light."] } },
            Symptom { en: "noise cancelling too weak", zh: "降噪效果变弱", cause: "ear tips or cushions that do not seal, or a blocked outer microphone", lines: &["earbuds", "headphones"], fix: Fix { en: "fit larger ear tips and clean the microphones", zh: "更换耳塞套并清洁麦克风", steps: &["Run the fit test in the {app} app.", "Try the next size of ear tips or reseat the ear cushions until the test passes.", "Clean the outer microphone mesh with a soft dry brush."] } },
            Symptom { en: "microphone sounds muffled", zh: "通话时对方听不清", cause: "debris in the microphone mesh", lines: &["earbuds", "headphones"], fix: Fix { en: "clean the microphone mesh", zh: "清洁麦克风网罩", steps: &["Brush the microphone openings of the {noun} gently with a dry soft toothbrush.", "Do not use liquids or sharp objects.", "Test with Settings > Microphone test in the {app} app."] } },
            Symptom { en: "won't power on", zh: "无法开机", cause: "a deeply discharged battery or a frozen power controller", lines: &["speakers", "soundbars", "headphones"], fix: Fix { en: "charge for an hour before powering on", zh: "先充电一小时再开机", steps: &["Connect the {noun} to a wall charger or power outlet, not a computer port.", "Leave it for at least 60 minutes even if no light appears.", "Hold the power button for 5 seconds to switch it on."] } },
            Symptom { en: "no sound from the TV", zh: "电视没有声音输出", cause: "the TV sends audio to its own speakers or HDMI-CEC is off", lines: &["soundbars"], fix: Fix { en: "turn on HDMI-CEC and set the TV's audio output", zh: "开启 HDMI-CEC 并设置电视音频输出", steps: &["Connect the {noun} to the TV port labelled eARC or ARC.", "In the TV settings turn on HDMI-CEC and choose the external speaker as audio output.", "Restart the TV and the {noun}."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "forget-and-repair-bluetooth", name: "Forget and re-pair the Bluetooth device", zh: "删除配对记录后重新连接", text: "Open your phone's Bluetooth settings, tap the device and choose Forget. Put the audio device in pairing mode and select it again on the phone." },
            GenericSolution { slug: "update-audio-firmware", name: "Update your audio device firmware", zh: "升级耳机或音箱固件", text: "Open the Corvia Home app with the device connected and go to Settings > Firmware. Keep it within 1 m of the phone and above 30% battery until the update finishes." },
            GenericSolution { slug: "factory-reset-audio", name: "Factory reset your earbuds or speaker", zh: "耳机或音箱恢复出厂设置", text: "Hold the multi-function button for 15 seconds until the light flashes amber three times. All pairings and sound settings are erased." },
        ],
        features: &[
            FeatureBase { slug: "anc", en: "Active Noise Cancelling", zh: "主动降噪", text: "Microphones measure outside noise and cancel it before you hear it." },
            FeatureBase { slug: "transparency-mode", en: "Transparency Mode", zh: "通透模式", text: "Lets outside sound in so you can hold a conversation without removing the earbuds." },
            FeatureBase { slug: "multipoint", en: "Multipoint Connection", zh: "多点连接", text: "Stay connected to two devices and switch to whichever plays audio." },
            FeatureBase { slug: "spatial-audio", en: "Spatial Audio", zh: "空间音频", text: "Head-tracked surround sound for films and music." },
            FeatureBase { slug: "hi-res-audio", en: "Hi-Res Audio (LDAC)", zh: "高清音质 LDAC", text: "Streams up to 990 kbps over Bluetooth for more detail." },
            FeatureBase { slug: "wireless-charging-case", en: "Wireless Charging Case", zh: "无线充电盒", text: "Charge the case on any Qi pad." },
            FeatureBase { slug: "stereo-pairing", en: "Stereo Pairing", zh: "立体声配对", text: "Pair two speakers as a left and right channel." },
            FeatureBase { slug: "auto-pause", en: "Auto Pause", zh: "摘下自动暂停", text: "Music pauses when you take an earbud out and resumes when you put it back." },
        ],
        taglines: &["with rich, balanced sound", "for commutes and workouts", "tuned for voice calls", "that fills the room"],
    },
    Family {
        key: "smart-home",
        name: "Smart Home",
        aliases: &["home automation", "smart home devices", "智能家居"],
        text: "Cameras, doorbells, locks, plugs, bulbs and hubs controlled from the Corvia Home app.",
        code_letters: ["H", "C"],
        button: ("setup", "设置"),
        symptoms: &[
            Symptom { en: "device offline", zh: "设备离线", cause: "weak Wi-Fi at the device or a changed Wi-Fi password", lines: &["cameras", "doorbells", "plugs"], fix: Fix { en: "reconnect the device to Wi-Fi", zh: "重新连接 WiFi", steps: &["In the {app} app open the {noun} and tap Settings > Wi-Fi network.", "Choose your 2.4 GHz network and enter the current password.", "Keep the {noun} within 10 m of the router while it reconnects."] } },
            Symptom { en: "motion alerts delayed", zh: "移动侦测提醒延迟", cause: "battery saver mode on the phone or on the device", lines: &["cameras", "doorbells"], fix: Fix { en: "allow background notifications and raise the alert priority", zh: "允许后台通知并提高提醒优先级", steps: &["On your phone turn off battery optimisation for the {app} app.", "In the app open the {noun} > Notifications and choose Priority alerts.", "Set the {noun}'s power mode to Best performance if it is plugged in."] } },
            Symptom { en: "SD card not recognised", zh: "无法识别SD卡", cause: "a card that is not formatted as FAT32 or exFAT", lines: &["cameras"], fix: Fix { en: "format the SD card in the app", zh: "在 App 中格式化SD卡", steps: &["Open the {noun} in the {app} app and go to Storage > SD card.", "Tap Format; this erases recordings on the card.", "If it still fails, use a card of 256 GB or less rated U1 or faster."] } },
            Symptom { en: "lock jammed", zh: "门锁卡住", cause: "a misaligned door or a bolt rubbing against the strike plate", lines: &["locks"], fix: Fix { en: "realign the door and strike plate", zh: "调整门与锁扣位置", steps: &["Open the door and turn the lock by hand; if it moves freely, the door is misaligned.", "Loosen the strike plate screws and move the plate 1–2 mm towards the bolt.", "Run Door calibration in the {app} app."] } },
            Symptom { en: "hub offline", zh: "网关离线", cause: "the hub lost its Ethernet or Wi-Fi connection", lines: &["hubs", "locks", "bulbs"], fix: Fix { en: "reconnect the hub to the router", zh: "重新连接网关和路由器", steps: &["Check that the hub's Ethernet cable is plugged into a LAN port of your router.", "Power-cycle the hub and wait until its light is solid green.", "Open the {app} app; devices reconnect to the hub within two minutes."] } },
            Symptom { en: "Zigbee pairing failed", zh: "Zigbee 配网失败", cause: "the device is too far from the hub or still paired to another hub", lines: &["locks", "bulbs", "hubs"], fix: Fix { en: "move the device closer to the hub", zh: "把设备移近网关", steps: &["Remove the {noun} from any other hub first.", "Bring it within 3 m of the hub and start pairing again from the app.", "Add a plug-in device halfway to strengthen the Zigbee mesh."] } },
            Symptom { en: "bulb flickering", zh: "灯泡闪烁", cause: "a dimmer switch on the circuit that is not meant for smart bulbs", lines: &["bulbs"], fix: Fix { en: "replace the dimmer with a standard switch", zh: "更换为普通开关", steps: &["Check whether the wall switch is a dimmer.", "Replace it with a standard on/off switch or set the dimmer to full.", "Control brightness from the {app} app instead."] } },
            Symptom { en: "night vision blurry", zh: "夜视画面模糊", cause: "reflections from a window or a dirty lens cover", lines: &["cameras", "doorbells"], fix: Fix { en: "reposition the camera away from glass", zh: "让摄像头远离玻璃", steps: &["Night vision reflects off windows; place the {noun} outside or press it against the glass.", "Clean the lens with a microfibre cloth.", "Turn on Smart IR in the app to reduce overexposure."] } },
            Symptom { en: "schedule not running", zh: "定时任务不执行", cause: "the plug's time zone differs from your phone's", lines: &["plugs"], fix: Fix { en: "set the time zone and recreate the schedule", zh: "设置时区并重新创建定时", steps: &["In the {app} app open the {noun} > Settings > Time zone and pick yours.", "Delete the schedule and create it again.", "Keep the {noun} online so it can sync the time."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "restart-smart-device", name: "Restart your smart home device", zh: "重启智能设备", text: "Unplug the device or remove its battery for 30 seconds, then power it again. Wait two minutes before checking its status in the Corvia Home app." },
            GenericSolution { slug: "check-24ghz-wifi", name: "Make sure your 2.4 GHz Wi-Fi is on", zh: "确认 2.4GHz WiFi 已开启", text: "Smart home devices connect over 2.4 GHz. In your router settings make sure the 2.4 GHz band is on and not hidden, and that WPA2 or WPA2/WPA3 mixed mode is used." },
            GenericSolution { slug: "readd-smart-device", name: "Remove and add the device again", zh: "删除设备后重新添加", text: "In the Corvia Home app open the device, tap Settings > Remove device, then reset it and add it again with + > Add device." },
        ],
        features: &[
            FeatureBase { slug: "person-detection", en: "Person Detection", zh: "人形检测", text: "On-device AI tells people apart from cars, animals and moving trees." },
            FeatureBase { slug: "night-vision", en: "Color Night Vision", zh: "全彩夜视", text: "See colour video at night with a built-in spotlight or starlight sensor." },
            FeatureBase { slug: "two-way-talk", en: "Two-Way Talk", zh: "双向语音", text: "Speak to visitors through the device from your phone." },
            FeatureBase { slug: "local-storage", en: "Local microSD Storage", zh: "本地存储", text: "Record to a microSD card without a subscription." },
            FeatureBase { slug: "zigbee", en: "Zigbee 3.0", zh: "Zigbee 3.0 协议", text: "A low-power mesh radio for sensors, locks and bulbs." },
            FeatureBase { slug: "matter", en: "Matter Support", zh: "支持 Matter", text: "Works with Apple Home, Google Home and Alexa through the Matter standard." },
            FeatureBase { slug: "geofencing", en: "Geofencing", zh: "地理围栏", text: "Arm or disarm automatically when the last person leaves or the first one arrives." },
            FeatureBase { slug: "auto-lock", en: "Auto-Lock", zh: "自动上锁", text: "Locks the door a set time after it closes." },
            FeatureBase { slug: "energy-monitoring", en: "Energy Monitoring", zh: "电量统计", text: "Shows how much power a plugged-in device uses." },
        ],
        taglines: &["for peace of mind at home", "that installs in minutes", "that works with your voice assistant", "without monthly fees"],
    },
    Family {
        key: "wearables",
        name: "Wearables",
        aliases: &["watches and bands", "fitness trackers", "穿戴设备", "智能穿戴"],
        text: "Smartwatches, fitness bands and straps that track activity, sleep and health.",
        code_letters: ["W", "F"],
        button: ("side", "侧边"),
        symptoms: &[
            Symptom { en: "not syncing with the app", zh: "无法同步到 App", cause: "Bluetooth permission for the app was revoked or the phone stopped the app in the background", lines: &[], fix: Fix { en: "grant Bluetooth and background permissions", zh: "开启蓝牙和后台权限", steps: &["On your phone open Settings > Apps > {app} > Permissions and allow Nearby devices.", "Turn off battery optimisation for the app.", "Open the app and pull down to sync the {noun}."] } },
            Symptom { en: "heart-rate readings missing", zh: "心率数据缺失", cause: "the device is worn too loosely or the sensor window is dirty", lines: &[], fix: Fix { en: "tighten the strap and clean the sensor", zh: "调紧表带并清洁传感器", steps: &["Wear the {noun} a finger's width above the wrist bone, snug but comfortable.", "Wipe the sensor window with a damp cloth.", "Restart heart-rate tracking under Settings > Health."] } },
            Symptom { en: "GPS takes long to lock", zh: "GPS 定位慢", cause: "outdated satellite data or starting a run between tall buildings", lines: &["smartwatches"], fix: Fix { en: "refresh the GPS satellite data", zh: "更新 GPS 星历数据", steps: &["Sync the {noun} with the app while the phone is online.", "Start the workout outdoors and wait on the GPS screen until it vibrates.", "Stand still in an open area for the first lock."] } },
            Symptom { en: "notifications not showing", zh: "收不到消息通知", cause: "notification access for the app is off on the phone", lines: &[], fix: Fix { en: "allow notification access for the app", zh: "开启 App 通知访问权限", steps: &["On your phone open Settings > Notifications > Device & app notifications.", "Allow notification access for {app}.", "Turn off Do not disturb on the {noun}."] } },
            Symptom { en: "screen won't wake on wrist raise", zh: "抬腕不亮屏", cause: "wrist raise is off or do-not-disturb is active", lines: &[], fix: Fix { en: "turn on raise to wake", zh: "开启抬腕亮屏", steps: &["Open Settings > Display on the {noun}.", "Turn on Raise to wake and set sensitivity to Standard.", "Check that Do not disturb and Sleep mode are off."] } },
            Symptom { en: "battery drains in a day", zh: "一天就没电", cause: "the always-on display and continuous SpO2 tracking are both on", lines: &[], fix: Fix { en: "turn off always-on display", zh: "关闭息屏显示", steps: &["Open Settings > Display on the {noun}.", "Turn off Always-on display and set brightness to Auto.", "Set SpO2 tracking to sleep only."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "restart-wearable", name: "Restart your watch or band", zh: "重启手表或手环", text: "Hold the side button for 15 seconds until the logo appears. Your data is kept; sync with the app once it has restarted." },
            GenericSolution { slug: "repair-wearable", name: "Unpair and pair your wearable again", zh: "解绑后重新绑定穿戴设备", text: "In the Corvia Home app open the device and tap Unpair. On the watch choose Settings > System > Reset, then pair it again from the app." },
        ],
        features: &[
            FeatureBase { slug: "heart-rate", en: "24/7 Heart-Rate Monitoring", zh: "全天心率监测", text: "Continuous heart-rate tracking with high and low alerts." },
            FeatureBase { slug: "sleep-tracking", en: "Sleep Tracking", zh: "睡眠监测", text: "Tracks light, deep and REM sleep and gives a nightly score." },
            FeatureBase { slug: "gps", en: "Built-in GPS", zh: "内置 GPS", text: "Track runs and rides without your phone." },
            FeatureBase { slug: "spo2", en: "Blood Oxygen (SpO2)", zh: "血氧监测", text: "Measures blood oxygen on demand and during sleep." },
            FeatureBase { slug: "contactless-pay", en: "Contactless Pay", zh: "手表支付", text: "Pay from your wrist at contactless terminals." },
            FeatureBase { slug: "fall-detection", en: "Fall Detection", zh: "跌倒检测", text: "Detects a hard fall and can call an emergency contact." },
            FeatureBase { slug: "swim-tracking", en: "Swim Tracking", zh: "游泳记录", text: "Counts laps and strokes in the pool." },
        ],
        taglines: &["for everyday fitness", "that lasts a week between charges", "for runners and swimmers", "with health insights at a glance"],
    },
    Family {
        key: "computing",
        name: "Computing",
        aliases: &["computers", "PCs and peripherals", "电脑", "电脑外设"],
        text: "Laptops, monitors, keyboards and mice.",
        code_letters: ["K", "M"],
        button: ("power", "电源"),
        symptoms: &[
            Symptom { en: "external display not detected", zh: "外接显示器无信号", cause: "a USB-C cable without video support or an outdated graphics driver", lines: &["laptops", "monitors"], fix: Fix { en: "use a video-capable USB-C or HDMI cable", zh: "使用支持视频的线缆", steps: &["Check that the cable is marked for video (DisplayPort Alt Mode or Thunderbolt).", "Connect it to the port with the display icon.", "Install the latest graphics driver from Corvia Update."] } },
            Symptom { en: "battery not charging", zh: "电池无法充电", cause: "a charger below the required wattage or battery protection mode", lines: &["laptops"], fix: Fix { en: "charge with a charger of the right wattage", zh: "使用足够功率的充电器", steps: &["Check the wattage on the label under the {noun}.", "Use the original charger or a USB-C PD charger of at least that wattage.", "Turn off Battery protection in Corvia Control Center if the battery stays at 80%."] } },
            Symptom { en: "keys not responding", zh: "按键失灵", cause: "a low battery in the keyboard or a lost receiver connection", lines: &["keyboards"], fix: Fix { en: "re-pair the receiver", zh: "重新配对接收器", steps: &["Charge the {noun} or replace its batteries.", "Plug the receiver into a USB port directly, not a hub.", "Hold the connect button for 3 seconds until the light blinks fast."] } },
            Symptom { en: "loud fan noise", zh: "风扇噪音大", cause: "dust in the vents or a background process using the CPU", lines: &["laptops"], fix: Fix { en: "clean the vents and set a balanced fan profile", zh: "清理散热口并调整风扇模式", steps: &["Shut the {noun} down and blow compressed air into the vents.", "Open Corvia Control Center and choose the Balanced profile.", "Check Task Manager for processes using a lot of CPU."] } },
            Symptom { en: "BIOS update failed", zh: "BIOS 升级失败", cause: "the update was started on battery power", lines: &["laptops"], fix: Fix { en: "recover the BIOS on AC power", zh: "接通电源恢复 BIOS", steps: &["Connect the charger and hold the power button for 30 seconds.", "Press power; the {noun} starts BIOS recovery automatically.", "Do not unplug it until it restarts to the desktop."] } },
            Symptom { en: "dead pixels", zh: "屏幕坏点", cause: "a manufacturing defect in the panel", lines: &["laptops", "monitors"], fix: Fix { en: "run the pixel check and request a panel replacement", zh: "运行坏点检测并申请更换屏幕", steps: &["Open Corvia Control Center > Display > Pixel check and follow the steps.", "Take a photo of each colour screen that shows the defect.", "Start a warranty claim with the photos; panels with three or more dead pixels are replaced."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "run-corvia-update", name: "Install updates with Corvia Update", zh: "通过 Corvia Update 安装更新", text: "Open Corvia Update from the Start menu, click Check for updates and install all BIOS, driver and firmware updates. Keep the laptop on AC power." },
            GenericSolution { slug: "hard-reset-laptop", name: "Hard reset your laptop", zh: "强制重启笔记本", text: "Unplug the charger and hold the power button for 30 seconds, then connect the charger and switch on. This clears a frozen embedded controller." },
        ],
        features: &[
            FeatureBase { slug: "backlit-keyboard", en: "Backlit Keyboard", zh: "键盘背光", text: "Three brightness levels for typing in the dark." },
            FeatureBase { slug: "fingerprint-reader", en: "Fingerprint Reader", zh: "指纹识别", text: "Sign in with a touch through Windows Hello." },
            FeatureBase { slug: "thunderbolt", en: "Thunderbolt 4", zh: "雷电 4 接口", text: "40 Gbps ports for docks and two 4K displays." },
            FeatureBase { slug: "hdr-display", en: "HDR Display", zh: "HDR 显示", text: "Higher brightness and contrast for HDR video." },
            FeatureBase { slug: "usb-c-pd", en: "USB-C Power Delivery", zh: "USB-C 供电", text: "Charge or power devices over USB-C." },
            FeatureBase { slug: "multi-device", en: "Multi-Device Switching", zh: "多设备切换", text: "Switch between three paired devices with one key." },
        ],
        taglines: &["for work and study", "for creators on the go", "with a comfortable, quiet design", "for long days away from the desk"],
    },
    Family {
        key: "accessories",
        name: "Accessories",
        aliases: &["add-ons", "chargers and cases", "配件", "周边配件"],
        text: "Chargers, cables, power banks, cases and straps.",
        code_letters: ["V", "G"],
        button: ("power", "电源"),
        symptoms: &[
            Symptom { en: "charging slower than expected", zh: "充电速度变慢", cause: "a cable that does not support the charger's wattage or a device that limits charging when warm", lines: &["chargers", "cables", "power-banks"], fix: Fix { en: "use a cable rated for the charger's wattage", zh: "使用支持对应功率的线缆", steps: &["Check that the cable is rated 60 W or 100 W for fast charging.", "Plug the device into the port marked with the highest wattage.", "Let the device cool before charging if it is warm."] } },
            Symptom { en: "charger getting hot", zh: "充电器发烫", cause: "several devices drawing full power at the same time", lines: &["chargers"], fix: Fix { en: "unplug and let it cool", zh: "拔下冷却后再使用", steps: &["Unplug everything from the {noun}.", "Let it cool for 30 minutes.", "Plug in one device at a time; if it gets hot again, contact support."] } },
            Symptom { en: "power bank not charging the device", zh: "充电宝无法给设备充电", cause: "the power bank's auto-off for low currents", lines: &["power-banks"], fix: Fix { en: "switch on low-current mode", zh: "开启小电流模式", steps: &["Double-press the button on the {noun}.", "The light turns green: low-current mode keeps charging small devices.", "It switches off after two hours automatically."] } },
            Symptom { en: "case blocks wireless charging", zh: "保护壳影响无线充电", cause: "a metal plate or card in the case", lines: &["cases"], fix: Fix { en: "remove metal objects from the case", zh: "取出保护壳中的金属物品", steps: &["Take out cards and metal plates from the {noun}.", "Centre the phone on the charger.", "Use a case no thicker than 5 mm for wireless charging."] } },
            Symptom { en: "indicator blinking red", zh: "指示灯红灯闪烁", cause: "an over-temperature or short-circuit protection event", lines: &["chargers", "power-banks"], fix: Fix { en: "reset the protection circuit", zh: "重置保护电路", steps: &["Unplug everything from the {noun} and let it cool for 30 minutes.", "Connect it to a wall charger for 10 seconds to reset the protection.", "If the red light returns, stop using it and contact support."] } },
            Symptom { en: "strap won't stay attached", zh: "表带容易脱落", cause: "a quick-release pin that is not fully seated", lines: &["watch-straps"], fix: Fix { en: "reseat the quick-release pins", zh: "重新安装快拆销", steps: &["Slide the pin lever of the {noun} inwards and fit one end into the watch lug.", "Release the lever so the pin clicks into the other lug.", "Tug the strap gently; replace the pins if they still slip."] } },
        ],
        generic_solutions: &[
            GenericSolution { slug: "try-another-outlet-cable", name: "Try another outlet and cable", zh: "更换插座和数据线试试", text: "Plug the charger into a different wall outlet and try a different cable that supports data and charging. Most charging faults come from the cable." },
            GenericSolution { slug: "reset-power-bank", name: "Reset your power bank", zh: "重置充电宝", text: "Connect the power bank to a wall charger for 10 seconds, then unplug it. This clears its protection mode." },
        ],
        features: &[
            FeatureBase { slug: "usb-pd", en: "USB Power Delivery", zh: "PD 快充", text: "Negotiates the fastest safe charging speed over USB-C." },
            FeatureBase { slug: "gan", en: "GaN Technology", zh: "氮化镓技术", text: "Gallium nitride parts make the charger smaller and cooler." },
            FeatureBase { slug: "magnetic-alignment", en: "Magnetic Alignment", zh: "磁吸对位", text: "Magnets hold the phone in the right spot for wireless charging." },
            FeatureBase { slug: "pass-through-charging", en: "Pass-Through Charging", zh: "边充边放", text: "Charge the power bank and your phone at the same time." },
            FeatureBase { slug: "drop-protection", en: "Military-Grade Drop Protection", zh: "军规级防摔", text: "Tested for drops from 2 m onto concrete." },
            FeatureBase { slug: "pps", en: "PPS Fast Charging", zh: "PPS 快充", text: "Programmable power supply for super-fast charging on Android phones." },
        ],
        taglines: &["for your everyday carry", "that travels light", "made to match your devices", "for fast, safe charging"],
    },
];

pub const LEAVES: &[Leaf] = &[
    Leaf {
        key: "routers", family: "networking", name: "Wi-Fi Routers",
        aliases: &["routers", "wifi router", "路由器", "无线路由器"],
        text: "Standalone Wi-Fi 5, 6, 6E and 7 routers, including gaming routers.",
        noun: "Router", nouns: "routers", noun_zh: "路由器",
        series: &["Apex", "Vortex", "Strata"], series_zh: &["", "", ""],
        model_prefixes: ["RX", "RT"], price: (49, 399),
        specs: &[
            Spec { key: "wifi_standard", values: Values::Texts(&["Wi-Fi 5 (802.11ac)", "Wi-Fi 6 (802.11ax)", "Wi-Fi 6E (802.11ax, 6 GHz)", "Wi-Fi 7 (802.11be)"]), phrase: "{v}" },
            Spec { key: "max_speed_mbps", values: Values::Numbers(&["1200", "1800", "3000", "5400", "6600", "9300"]), phrase: "speeds up to {v} Mbps" },
            Spec { key: "lan_ports", values: Values::Range(1, 4, 1), phrase: "{v} gigabit LAN ports" },
            Spec { key: "coverage_sqft", values: Values::Range(1500, 3500, 250), phrase: "coverage of about {v} sq ft" },
            Spec { key: "weight_g", values: Values::Range(300, 1200, 10), phrase: "a weight of {v} g" },
        ],
        weight: 6, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the router, a power adapter, an Ethernet cable and a quick start guide", "路由器、电源适配器、网线和快速入门指南"),
    },
    Leaf {
        key: "mesh", family: "networking", name: "Mesh Wi-Fi Systems",
        aliases: &["mesh", "mesh wifi", "mesh system", "网状路由", "Mesh 组网"],
        text: "Mesh Wi-Fi systems and add-on satellites that cover large homes with one network.",
        noun: "Mesh System", nouns: "mesh systems", noun_zh: "Mesh 路由",
        series: &["Halo", "Canopy"], series_zh: &["光环", ""],
        model_prefixes: ["MW", "MS"], price: (149, 599),
        specs: &[
            Spec { key: "wifi_standard", values: Values::Texts(&["Wi-Fi 6 (802.11ax)", "Wi-Fi 6E (802.11ax, 6 GHz)", "Wi-Fi 7 (802.11be)"]), phrase: "{v}" },
            Spec { key: "coverage_sqft", values: Values::Range(3000, 7500, 250), phrase: "coverage of up to {v} sq ft" },
            Spec { key: "max_speed_mbps", values: Values::Numbers(&["3000", "5400", "7800", "10800"]), phrase: "speeds up to {v} Mbps" },
        ],
        weight: 4, warranty: "warranty-2y", returns: "return-30day",
        compatible: &["routers"], requires: (&[], 0),
        in_box: ("the mesh units, power adapters, one Ethernet cable and a quick start guide", "Mesh 主机和节点、电源适配器、一根网线和快速入门指南"),
    },
    Leaf {
        key: "extenders", family: "networking", name: "Range Extenders",
        aliases: &["wifi extender", "signal booster", "信号放大器", "WiFi 扩展器"],
        text: "Plug-in range extenders that repeat your Wi-Fi into dead zones.",
        noun: "Range Extender", nouns: "range extenders", noun_zh: "信号放大器",
        series: &["Reach", "Relay"], series_zh: &["", ""],
        model_prefixes: ["RE", "RL"], price: (29, 129),
        specs: &[
            Spec { key: "wifi_standard", values: Values::Texts(&["Wi-Fi 5 (802.11ac)", "Wi-Fi 6 (802.11ax)"]), phrase: "{v}" },
            Spec { key: "coverage_sqft", values: Values::Range(800, 2000, 100), phrase: "up to {v} sq ft of extra coverage" },
        ],
        weight: 2, warranty: "warranty-2y", returns: "return-30day",
        compatible: &["routers"], requires: (&[], 0),
        in_box: ("the extender and a quick start guide", "信号放大器和快速入门指南"),
    },
    Leaf {
        key: "smartphones", family: "phones", name: "Smartphones",
        aliases: &["phones", "mobile phones", "手机", "智能手机"],
        text: "Corvia Android smartphones, from affordable Lite models to the flagship Ultra line.",
        noun: "Smartphone", nouns: "smartphones", noun_zh: "手机",
        series: &["Nova", "Zenith", "Lyra", "Orion"], series_zh: &["诺瓦", "天顶", "天琴", "猎户座"],
        model_prefixes: ["KX", "KP"], price: (199, 1299),
        specs: &[
            Spec { key: "screen_inches", values: Values::Numbers(&["6.1", "6.4", "6.6", "6.7", "6.8"]), phrase: "a {v}-inch display" },
            Spec { key: "storage_gb", values: Values::Numbers(&["128", "256", "512", "1024"]), phrase: "{v} GB of storage" },
            Spec { key: "ram_gb", values: Values::Numbers(&["6", "8", "12", "16"]), phrase: "{v} GB of RAM" },
            Spec { key: "camera_mp", values: Values::Numbers(&["12", "48", "50", "108", "200"]), phrase: "a {v} MP main camera" },
            Spec { key: "battery_mah", values: Values::Range(3500, 5500, 50), phrase: "a {v} mAh battery" },
            Spec { key: "charging_w", values: Values::Numbers(&["18", "25", "33", "45", "67", "100"]), phrase: "{v} W fast charging" },
            Spec { key: "weight_g", values: Values::Range(160, 240, 1), phrase: "a weight of {v} g" },
            Spec { key: "color", values: COLORS, phrase: "a {v} finish" },
        ],
        weight: 10, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the phone, a USB-C cable, a SIM ejector tool and a quick start guide", "手机、USB-C 数据线、取卡针和快速入门指南"),
    },
    Leaf {
        key: "tablets", family: "phones", name: "Tablets",
        aliases: &["tablet", "android tablets", "平板电脑", "平板"],
        text: "Android tablets for entertainment, notes and study.",
        noun: "Tablet", nouns: "tablets", noun_zh: "平板电脑",
        series: &["Slate", "Folio"], series_zh: &["", ""],
        model_prefixes: ["TB", "TF"], price: (149, 999),
        specs: &[
            Spec { key: "screen_inches", values: Values::Numbers(&["8.7", "10.9", "11", "12.4", "13"]), phrase: "a {v}-inch display" },
            Spec { key: "storage_gb", values: Values::Numbers(&["64", "128", "256", "512"]), phrase: "{v} GB of storage" },
            Spec { key: "ram_gb", values: Values::Numbers(&["4", "6", "8", "12"]), phrase: "{v} GB of RAM" },
            Spec { key: "battery_mah", values: Values::Range(6000, 10000, 100), phrase: "a {v} mAh battery" },
            Spec { key: "weight_g", values: Values::Range(300, 700, 5), phrase: "a weight of {v} g" },
        ],
        weight: 4, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the tablet, a USB-C cable and a quick start guide", "平板电脑、USB-C 数据线和快速入门指南"),
    },
    Leaf {
        key: "earbuds", family: "audio", name: "Wireless Earbuds",
        aliases: &["earbuds", "true wireless earbuds", "无线耳机", "蓝牙耳机"],
        text: "True wireless earbuds with noise cancelling, from budget to pro.",
        noun: "Earbuds", nouns: "earbuds", noun_zh: "无线耳机",
        series: &["Echo", "Pulse", "Tune"], series_zh: &["回声", "", ""],
        model_prefixes: ["EB", "EP"], price: (29, 249),
        specs: &[
            Spec { key: "battery_life_hours", values: Values::Range(5, 10, 1), phrase: "up to {v} hours of playback per charge" },
            Spec { key: "bluetooth_version", values: Values::Texts(&["5.2", "5.3", "5.4"]), phrase: "Bluetooth {v}" },
            Spec { key: "ip_rating", values: Values::Texts(&["IPX4", "IPX5", "IP54", "IP55"]), phrase: "{v} water resistance" },
            Spec { key: "weight_g", values: Values::Numbers(&["4.2", "4.8", "5.1", "5.6", "6.3"]), phrase: "{v} g per earbud" },
            Spec { key: "color", values: COLORS, phrase: "a {v} finish" },
        ],
        weight: 8, warranty: "warranty-1y", returns: "return-15day-audio",
        compatible: &[], requires: (&[], 0),
        in_box: ("the earbuds, the charging case, three sizes of ear tips and a USB-C cable", "耳机、充电盒、三种尺寸的耳塞套和 USB-C 数据线"),
    },
    Leaf {
        key: "headphones", family: "audio", name: "Headphones",
        aliases: &["over-ear headphones", "headsets", "头戴式耳机", "头戴耳机"],
        text: "Over-ear and on-ear wireless headphones.",
        noun: "Headphones", nouns: "headphones", noun_zh: "头戴式耳机",
        series: &["Quietus", "Sonata"], series_zh: &["", "奏鸣曲"],
        model_prefixes: ["HP", "HQ"], price: (59, 449),
        specs: &[
            Spec { key: "battery_life_hours", values: Values::Range(20, 60, 5), phrase: "up to {v} hours of battery life" },
            Spec { key: "bluetooth_version", values: Values::Texts(&["5.2", "5.3", "5.4"]), phrase: "Bluetooth {v}" },
            Spec { key: "weight_g", values: Values::Range(180, 320, 5), phrase: "a weight of {v} g" },
            Spec { key: "color", values: COLORS, phrase: "a {v} finish" },
        ],
        weight: 3, warranty: "warranty-1y", returns: "return-15day-audio",
        compatible: &[], requires: (&[], 0),
        in_box: ("the headphones, a carrying case, a USB-C cable and a 3.5 mm audio cable", "耳机、收纳包、USB-C 数据线和 3.5mm 音频线"),
    },
    Leaf {
        key: "speakers", family: "audio", name: "Portable Speakers",
        aliases: &["bluetooth speakers", "speakers", "蓝牙音箱", "便携音箱"],
        text: "Portable and smart Bluetooth speakers.",
        noun: "Speaker", nouns: "speakers", noun_zh: "蓝牙音箱",
        series: &["Boom", "Aria"], series_zh: &["", "咏叹调"],
        model_prefixes: ["SP", "SK"], price: (39, 299),
        specs: &[
            Spec { key: "output_w", values: Values::Range(5, 60, 5), phrase: "{v} W of output power" },
            Spec { key: "battery_life_hours", values: Values::Range(8, 24, 2), phrase: "up to {v} hours of playback" },
            Spec { key: "ip_rating", values: Values::Texts(&["IPX7", "IP67"]), phrase: "{v} water and dust resistance" },
            Spec { key: "color", values: COLORS, phrase: "a {v} fabric" },
        ],
        weight: 4, warranty: "warranty-1y", returns: "return-15day-audio",
        compatible: &[], requires: (&[], 0),
        in_box: ("the speaker, a USB-C cable and a wrist strap", "音箱、USB-C 数据线和挂绳"),
    },
    Leaf {
        key: "soundbars", family: "audio", name: "Soundbars",
        aliases: &["soundbar", "TV speakers", "回音壁", "电视音响"],
        text: "Soundbars and subwoofers for TVs.",
        noun: "Soundbar", nouns: "soundbars", noun_zh: "回音壁",
        series: &["Cinema", "Stage"], series_zh: &["", ""],
        model_prefixes: ["SB", "SW"], price: (149, 899),
        specs: &[
            Spec { key: "output_w", values: Values::Range(100, 600, 20), phrase: "{v} W of output power" },
            Spec { key: "weight_g", values: Values::Range(2000, 6500, 100), phrase: "a weight of {v} g" },
        ],
        weight: 2, warranty: "warranty-1y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the soundbar, an HDMI cable, a power cord, a remote and a wall mount", "回音壁、HDMI 线、电源线、遥控器和壁挂支架"),
    },
    Leaf {
        key: "cameras", family: "smart-home", name: "Security Cameras",
        aliases: &["cameras", "security cameras", "摄像头", "监控摄像头"],
        text: "Indoor and outdoor security cameras with local and cloud recording.",
        noun: "Camera", nouns: "cameras", noun_zh: "摄像头",
        series: &["Sentry", "Watchtower"], series_zh: &["哨兵", ""],
        model_prefixes: ["CM", "CW"], price: (29, 249),
        specs: &[
            Spec { key: "resolution", values: Values::Texts(&["1080p", "2K", "4K"]), phrase: "{v} video" },
            Spec { key: "field_of_view_deg", values: Values::Range(110, 160, 5), phrase: "a {v}° field of view" },
            Spec { key: "ip_rating", values: Values::Texts(&["IP65", "IP66", "IP67"]), phrase: "an {v} weatherproof rating" },
        ],
        weight: 6, warranty: "warranty-2y", returns: "return-30day",
        compatible: &["hubs"], requires: (&[], 0),
        in_box: ("the camera, a mount with screws, a power adapter and a quick start guide", "摄像头、安装底座和螺丝、电源适配器和快速入门指南"),
    },
    Leaf {
        key: "doorbells", family: "smart-home", name: "Video Doorbells",
        aliases: &["doorbells", "video doorbell", "可视门铃", "智能门铃"],
        text: "Wired and battery video doorbells with head-to-toe video.",
        noun: "Video Doorbell", nouns: "video doorbells", noun_zh: "可视门铃",
        series: &["Porch", "Welcome"], series_zh: &["", ""],
        model_prefixes: ["DB", "DW"], price: (59, 229),
        specs: &[
            Spec { key: "resolution", values: Values::Texts(&["1080p", "1536p", "2K"]), phrase: "{v} head-to-toe video" },
            Spec { key: "field_of_view_deg", values: Values::Range(140, 180, 5), phrase: "a {v}° field of view" },
        ],
        weight: 3, warranty: "warranty-2y", returns: "return-30day",
        compatible: &["hubs"], requires: (&[], 0),
        in_box: ("the doorbell, a mounting plate, a wedge kit and screws", "门铃、安装底板、角度垫片和螺丝"),
    },
    Leaf {
        key: "locks", family: "smart-home", name: "Smart Locks",
        aliases: &["smart lock", "door locks", "智能锁", "智能门锁"],
        text: "Keypad and fingerprint smart locks that connect through a Corvia hub.",
        noun: "Smart Lock", nouns: "smart locks", noun_zh: "智能门锁",
        series: &["Keystone", "Bolt"], series_zh: &["", ""],
        model_prefixes: ["LK", "LB"], price: (129, 349),
        specs: &[
            Spec { key: "weight_g", values: Values::Range(900, 1800, 50), phrase: "a weight of {v} g" },
            Spec { key: "color", values: Values::Texts(&["Satin Nickel", "Matte Black", "Brass"]), phrase: "a {v} finish" },
        ],
        weight: 3, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&["hubs"], 100),
        in_box: ("the lock, the interior and exterior escutcheons, four AA batteries and installation hardware", "门锁、内外面板、四节 AA 电池和安装配件"),
    },
    Leaf {
        key: "plugs", family: "smart-home", name: "Smart Plugs",
        aliases: &["smart plug", "wifi plug", "智能插座", "WiFi 插座"],
        text: "Wi-Fi smart plugs with schedules and energy monitoring.",
        noun: "Smart Plug", nouns: "smart plugs", noun_zh: "智能插座",
        series: &["Spark", "Socket"], series_zh: &["", ""],
        model_prefixes: ["PL", "PG"], price: (12, 39),
        specs: &[Spec { key: "color", values: Values::Texts(&["White", "Black"]), phrase: "a {v} housing" }],
        weight: 2, warranty: "warranty-1y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the plug and a quick start guide", "插座和快速入门指南"),
    },
    Leaf {
        key: "bulbs", family: "smart-home", name: "Smart Bulbs",
        aliases: &["smart bulbs", "smart lights", "智能灯泡", "智能灯"],
        text: "Zigbee smart bulbs and light strips.",
        noun: "Smart Bulb", nouns: "smart bulbs", noun_zh: "智能灯泡",
        series: &["Glow", "Lumen"], series_zh: &["", ""],
        model_prefixes: ["BL", "BG"], price: (9, 49),
        specs: &[
            Spec { key: "color", values: Values::Texts(&["Soft White", "Tunable White", "Full Color"]), phrase: "{v} light" },
            Spec { key: "output_w", values: Values::Numbers(&["6", "9", "11", "15"]), phrase: "{v} W power draw" },
        ],
        weight: 3, warranty: "warranty-1y", returns: "return-30day",
        compatible: &[], requires: (&["hubs"], 70),
        in_box: ("the bulb and a quick start guide", "灯泡和快速入门指南"),
    },
    Leaf {
        key: "hubs", family: "smart-home", name: "Smart Hubs",
        aliases: &["hub", "smart home hub", "网关", "智能网关"],
        text: "Hubs that connect Zigbee locks, bulbs and sensors to your network.",
        noun: "Smart Hub", nouns: "smart hubs", noun_zh: "智能网关",
        series: &["Nexus", "Beacon"], series_zh: &["", ""],
        model_prefixes: ["HB", "HN"], price: (49, 149),
        specs: &[Spec { key: "weight_g", values: Values::Range(120, 400, 10), phrase: "a weight of {v} g" }],
        weight: 2, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the hub, a power adapter and an Ethernet cable", "网关、电源适配器和网线"),
    },
    Leaf {
        key: "smartwatches", family: "wearables", name: "Smartwatches",
        aliases: &["smartwatch", "watches", "智能手表", "手表"],
        text: "Smartwatches with health tracking, GPS and payments.",
        noun: "Smartwatch", nouns: "smartwatches", noun_zh: "智能手表",
        series: &["Chrono", "Vita"], series_zh: &["", ""],
        model_prefixes: ["WT", "WC"], price: (99, 499),
        specs: &[
            Spec { key: "screen_inches", values: Values::Numbers(&["1.2", "1.39", "1.43", "1.9"]), phrase: "a {v}-inch AMOLED screen" },
            Spec { key: "battery_life_hours", values: Values::Range(24, 336, 24), phrase: "up to {v} hours of battery life" },
            Spec { key: "ip_rating", values: Values::Texts(&["5ATM", "IP68", "10ATM"]), phrase: "{v} water resistance" },
            Spec { key: "weight_g", values: Values::Range(25, 60, 1), phrase: "a weight of {v} g without the strap" },
            Spec { key: "color", values: COLORS, phrase: "a {v} case" },
        ],
        weight: 5, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the watch, a magnetic charging cable and a quick start guide", "手表、磁吸充电线和快速入门指南"),
    },
    Leaf {
        key: "fitness-bands", family: "wearables", name: "Fitness Bands",
        aliases: &["fitness tracker", "activity band", "运动手环", "手环"],
        text: "Slim fitness bands for steps, sleep and heart rate.",
        noun: "Fitness Band", nouns: "fitness bands", noun_zh: "运动手环",
        series: &["Stride", "Motion"], series_zh: &["", ""],
        model_prefixes: ["FB", "FT"], price: (29, 99),
        specs: &[
            Spec { key: "battery_life_hours", values: Values::Range(168, 480, 24), phrase: "up to {v} hours of battery life" },
            Spec { key: "screen_inches", values: Values::Numbers(&["0.96", "1.1", "1.47", "1.62"]), phrase: "a {v}-inch screen" },
            Spec { key: "ip_rating", values: Values::Texts(&["5ATM", "IP68"]), phrase: "{v} water resistance" },
        ],
        weight: 2, warranty: "warranty-1y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the band, a charging cable and a quick start guide", "手环、充电线和快速入门指南"),
    },
    Leaf {
        key: "watch-straps", family: "accessories", name: "Watch Straps",
        aliases: &["watch bands", "straps", "表带", "手表表带"],
        text: "Replacement straps in silicone, leather and metal.",
        noun: "Watch Strap", nouns: "watch straps", noun_zh: "表带",
        series: &["Loop", "Link"], series_zh: &["", ""],
        model_prefixes: ["ST", "SL"], price: (15, 79),
        specs: &[Spec { key: "color", values: COLORS, phrase: "{v}" }],
        weight: 2, warranty: "warranty-1y", returns: "return-30day",
        compatible: &["smartwatches"], requires: (&[], 0),
        in_box: ("the strap and two quick-release pins", "表带和两个快拆销"),
    },
    Leaf {
        key: "laptops", family: "computing", name: "Laptops",
        aliases: &["notebooks", "laptop computers", "笔记本电脑", "笔记本"],
        text: "Windows laptops from thin-and-light to performance models.",
        noun: "Laptop", nouns: "laptops", noun_zh: "笔记本电脑",
        series: &["Vector", "Summit", "Aero"], series_zh: &["", "", ""],
        model_prefixes: ["LP", "LV"], price: (499, 2499),
        specs: &[
            Spec { key: "screen_inches", values: Values::Numbers(&["13.3", "14", "15.6", "16"]), phrase: "a {v}-inch display" },
            Spec { key: "storage_gb", values: Values::Numbers(&["256", "512", "1024", "2048"]), phrase: "a {v} GB SSD" },
            Spec { key: "ram_gb", values: Values::Numbers(&["8", "16", "32"]), phrase: "{v} GB of RAM" },
            Spec { key: "battery_life_hours", values: Values::Range(8, 20, 1), phrase: "up to {v} hours of battery life" },
            Spec { key: "weight_g", values: Values::Range(1100, 2200, 10), phrase: "a weight of {v} g" },
        ],
        weight: 5, warranty: "warranty-2y", returns: "return-30day",
        compatible: &[], requires: (&[], 0),
        in_box: ("the laptop, a USB-C power adapter and a quick start guide", "笔记本电脑、USB-C 电源适配器和快速入门指南"),
    },
    Leaf {
        key: "monitors", family: "computing", name: "Monitors",
        aliases: &["displays", "computer monitors", "显示器", "电脑显示器"],
        text: "Office, creator and gaming monitors.",
        noun: "Monitor", nouns: "monitors", noun_zh: "显示器",
        series: &["Vista", "Panorama"], series_zh: &["", ""],
        model_prefixes: ["MN", "MV"], price: (129, 899),
        specs: &[
            Spec { key: "screen_inches", values: Values::Numbers(&["24", "27", "32", "34"]), phrase: "a {v}-inch panel" },
            Spec { key: "resolution", values: Values::Texts(&["1080p", "1440p", "4K", "5K"]), phrase: "{v} resolution" },
        ],
        weight: 3, warranty: "warranty-2y", returns: "return-30day",
        compatible: &["laptops"], requires: (&[], 0),
        in_box: ("the monitor, a stand, a USB-C cable, an HDMI cable and a power cord", "显示器、支架、USB-C 线、HDMI 线和电源线"),
    },
    Leaf {
        key: "keyboards", family: "computing", name: "Keyboards & Mice",
        aliases: &["keyboards", "mice", "键盘", "鼠标", "键鼠"],
        text: "Wireless keyboards and mice that switch between devices.",
        noun: "Keyboard", nouns: "keyboards", noun_zh: "键盘",
        series: &["Glide", "Tact"], series_zh: &["", ""],
        model_prefixes: ["KB", "KM"], price: (19, 149),
        specs: &[
            Spec { key: "bluetooth_version", values: Values::Texts(&["5.0", "5.1", "5.3"]), phrase: "Bluetooth {v}" },
            Spec { key: "battery_life_hours", values: Values::Range(300, 2000, 100), phrase: "up to {v} hours on one charge" },
        ],
        weight: 2, warranty: "warranty-1y", returns: "return-30day",
        compatible: &["laptops", "tablets"], requires: (&[], 0),
        in_box: ("the keyboard, a USB receiver and a USB-C cable", "键盘、USB 接收器和 USB-C 数据线"),
    },
    Leaf {
        key: "chargers", family: "accessories", name: "Chargers",
        aliases: &["chargers", "wall chargers", "充电器", "充电头"],
        text: "USB-C wall chargers and wireless chargers.",
        noun: "Charger", nouns: "chargers", noun_zh: "充电器",
        series: &["Volt", "Surge"], series_zh: &["", ""],
        model_prefixes: ["VC", "VS"], price: (15, 79),
        specs: &[
            Spec { key: "charging_w", values: Values::Numbers(&["20", "30", "45", "65", "100", "140"]), phrase: "{v} W output" },
            Spec { key: "weight_g", values: Values::Range(30, 250, 5), phrase: "a weight of {v} g" },
        ],
        weight: 6, warranty: "warranty-1y", returns: "return-30day",
        compatible: &["smartphones", "laptops", "tablets", "earbuds", "smartwatches"], requires: (&[], 0),
        in_box: ("the charger", "充电器"),
    },
    Leaf {
        key: "cables", family: "accessories", name: "Cables",
        aliases: &["usb-c cables", "charging cables", "数据线", "充电线"],
        text: "Braided USB-C and Lightning cables.",
        noun: "Cable", nouns: "cables", noun_zh: "数据线",
        series: &["Linkline", "Braid"], series_zh: &["", ""],
        model_prefixes: ["CB", "CL"], price: (9, 29),
        specs: &[Spec { key: "charging_w", values: Values::Numbers(&["60", "100", "240"]), phrase: "up to {v} W" }],
        weight: 3, warranty: "warranty-1y", returns: "return-30day",
        compatible: &["smartphones", "tablets", "laptops"], requires: (&[], 0),
        in_box: ("the cable and a cable tie", "数据线和理线扣"),
    },
    Leaf {
        key: "power-banks", family: "accessories", name: "Power Banks",
        aliases: &["portable chargers", "battery packs", "充电宝", "移动电源"],
        text: "Portable batteries from pocket size to laptop-ready.",
        noun: "Power Bank", nouns: "power banks", noun_zh: "充电宝",
        series: &["Reserve", "Juice"], series_zh: &["", ""],
        model_prefixes: ["PB", "PR"], price: (19, 99),
        specs: &[
            Spec { key: "battery_mah", values: Values::Range(5000, 26800, 100), phrase: "a {v} mAh capacity" },
            Spec { key: "charging_w", values: Values::Numbers(&["20", "30", "45", "65", "100"]), phrase: "{v} W output" },
            Spec { key: "weight_g", values: Values::Range(120, 500, 5), phrase: "a weight of {v} g" },
        ],
        weight: 3, warranty: "warranty-1y", returns: "return-30day",
        compatible: &["smartphones", "earbuds", "smartwatches"], requires: (&[], 0),
        in_box: ("the power bank, a USB-C cable and a pouch", "充电宝、USB-C 数据线和收纳袋"),
    },
    Leaf {
        key: "cases", family: "accessories", name: "Cases & Screen Protectors",
        aliases: &["phone cases", "covers", "手机壳", "保护壳"],
        text: "Cases and screen protectors made for each Corvia phone and tablet.",
        noun: "Case", nouns: "cases", noun_zh: "保护壳",
        series: &["Armor", "Shell"], series_zh: &["", ""],
        model_prefixes: ["CS", "CP"], price: (9, 49),
        specs: &[
            Spec { key: "color", values: COLORS, phrase: "{v}" },
            Spec { key: "weight_g", values: Values::Range(20, 60, 1), phrase: "a weight of {v} g" },
        ],
        weight: 6, warranty: "warranty-1y", returns: "return-30day",
        compatible: &["smartphones", "tablets"], requires: (&[], 0),
        in_box: ("the case", "保护壳"),
    },
];

/// Variants that follow a product number, repeated by how common they are; "Max" and "Ultra"
/// mark flagships.
pub const VARIANTS: &[&str] = &[
    "", "", "", "", "", " Lite", " Lite", " Plus", " Plus", " Pro", " Pro", " S", " SE", " Mini",
    " Max", " Ultra",
];
pub const FLAGSHIP_VARIANTS: &[&str] = &[" Max", " Ultra"];

pub const ADJECTIVES: &[&str] = &[
    "compact",
    "versatile",
    "lightweight",
    "powerful",
    "affordable",
    "sleek",
    "reliable",
    "well-built",
];

/// Two halves of marketing names for later generations of a feature ("TurboSync").
pub const TECH_PREFIXES: &[&str] = &[
    "Turbo", "Clear", "Hyper", "Aero", "Nano", "Pure", "Vivid", "Swift", "Deep", "True", "Flex",
    "Zen", "Prime", "Quantum", "Nimbus", "Luma",
];
pub const TECH_SUFFIXES: &[&str] = &[
    "Sync", "Flow", "Boost", "Link", "Sense", "Wave", "Core", "Guard", "Tone", "Beam", "View",
    "Charge", "Shield", "Drive",
];

/// Features of any device (not of one family).
pub const DEVICE_FEATURES: &[FeatureBase] = &[
    FeatureBase {
        slug: "app-control",
        en: "Corvia Home App Control",
        zh: "Corvia 智家 App 控制",
        text: "Set up, control and update the device from the Corvia Home app.",
    },
    FeatureBase {
        slug: "ota-updates",
        en: "Automatic Over-the-Air Updates",
        zh: "自动 OTA 升级",
        text: "Security and feature updates install overnight without you doing anything.",
    },
    FeatureBase {
        slug: "voice-assistants",
        en: "Works with Voice Assistants",
        zh: "支持语音助手",
        text: "Control the device with Alexa or Google Assistant.",
    },
];

/// What plans include: services rather than device capabilities.
pub const SERVICE_FEATURES: &[FeatureBase] = &[
    FeatureBase {
        slug: "express-replacement",
        en: "Express Replacement",
        zh: "极速换新",
        text: "A replacement ships the next business day, before you send the faulty device back.",
    },
    FeatureBase {
        slug: "priority-support",
        en: "Priority Support",
        zh: "优先客服",
        text: "Skip the queue on chat and phone support, 24/7.",
    },
    FeatureBase {
        slug: "remote-setup",
        en: "Remote Setup Assistance",
        zh: "远程安装协助",
        text: "A technician helps you set up devices over a video call.",
    },
    FeatureBase {
        slug: "cloud-recording",
        en: "Cloud Video Recording",
        zh: "云端录像",
        text: "Camera and doorbell events are stored in the cloud and viewable in the app.",
    },
    FeatureBase {
        slug: "cloud-backup",
        en: "Cloud Backup",
        zh: "云备份",
        text: "Photos, contacts and settings are backed up automatically.",
    },
    FeatureBase {
        slug: "battery-service",
        en: "Battery Service",
        zh: "电池保障服务",
        text: "A free battery replacement when capacity drops below 80%.",
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    Warranty,
    Return,
    Shipping,
    Other,
}

pub struct PolicyDef {
    pub slug: &'static str,
    pub kind: PolicyType,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub text: &'static str,
    /// Numeric attributes, as JSON number literals.
    pub attrs: &'static [(&'static str, &'static str)],
}

/// Policies in the order they are switched on as the KB grows; the first three always exist.
pub const POLICIES: &[PolicyDef] = &[
    PolicyDef { slug: "warranty-2y", kind: PolicyType::Warranty, name: "2-Year Limited Warranty", aliases: &["two year warranty", "24-month warranty", "两年保修", "2年保修"], text: "Covers manufacturing defects for 24 months from delivery. Repairs and replacements are free, including shipping. Accidental and liquid damage are excluded unless you have Care+. Start a claim in the Corvia Home app under Orders > Warranty.", attrs: &[("warranty_months", "24"), ("fee", "0")] },
    PolicyDef { slug: "return-30day", kind: PolicyType::Return, name: "30-Day Return Policy", aliases: &["30 day returns", "return window", "30天退货", "30天无理由退货"], text: "Most products bought from Corvia can be returned within 30 days of delivery for a full refund, opened or not, as long as they are complete and undamaged. Start the return under Orders > Return and drop the parcel off within 7 days. Return shipping is free.", attrs: &[("duration_days", "30"), ("fee", "0")] },
    PolicyDef { slug: "shipping-standard", kind: PolicyType::Shipping, name: "Standard Shipping Policy", aliases: &["shipping", "delivery times", "标准配送", "运费政策"], text: "Standard shipping is free on orders over $35 and takes 3–5 business days; smaller orders pay a flat $4.99. You get a tracking link by email as soon as the parcel leaves our warehouse.", attrs: &[("duration_days", "5"), ("fee", "4.99")] },
    PolicyDef { slug: "warranty-1y", kind: PolicyType::Warranty, name: "1-Year Limited Warranty", aliases: &["one year warranty", "12-month warranty", "一年保修", "1年保修"], text: "Covers manufacturing defects in materials and workmanship for 12 months from delivery. Normal wear such as ear tips, straps and cosmetic scratches is not covered. Keep your order number as proof of purchase.", attrs: &[("warranty_months", "12"), ("fee", "0")] },
    PolicyDef { slug: "refund", kind: PolicyType::Other, name: "Refund Policy", aliases: &["refunds", "money back", "退款政策", "退款"], text: "Refunds go back to the original payment method within 5–10 business days after we receive the return. Gift purchases are refunded as store credit. Shipping fees are refunded when the return is due to our error.", attrs: &[("duration_days", "10")] },
    PolicyDef { slug: "warranty-3y-flagship", kind: PolicyType::Warranty, name: "3-Year Flagship Warranty", aliases: &["3 year warranty", "flagship warranty", "三年保修", "旗舰延保"], text: "Flagship products (Max and Ultra models) get 36 months of defect coverage at no extra cost, with free two-way express shipping for repairs. Accidental damage still needs Care+.", attrs: &[("warranty_months", "36"), ("fee", "0")] },
    PolicyDef { slug: "return-15day-audio", kind: PolicyType::Return, name: "15-Day Return Policy for Opened Audio", aliases: &["audio return policy", "earbuds return policy", "耳机退货政策", "音频15天退货"], text: "For hygiene reasons, opened earbuds, headphones and speakers can be returned within 15 days of delivery; unopened audio keeps the 30-day window. Ear tips must be included.", attrs: &[("duration_days", "15"), ("fee", "0")] },
    PolicyDef { slug: "privacy", kind: PolicyType::Other, name: "Privacy Policy", aliases: &["privacy", "data protection", "隐私政策", "个人信息保护"], text: "We collect only the data needed to run your devices and services, never sell it, and let you download or delete it under Account > Privacy. Camera video is encrypted end to end when you turn on Privacy Mode.", attrs: &[] },
    PolicyDef { slug: "shipping-express", kind: PolicyType::Shipping, name: "Express Shipping", aliases: &["next day delivery", "express delivery", "加急配送", "次日达"], text: "Order before 2 pm for delivery the next business day. Express shipping costs $12.99 and is free for Care+ members.", attrs: &[("duration_days", "1"), ("fee", "12.99")] },
    PolicyDef { slug: "accidental-damage", kind: PolicyType::Other, name: "Accidental Damage Protection Terms", aliases: &["accidental damage", "drop and spill cover", "意外损坏保障", "碎屏险"], text: "With Care+, accidental damage such as drops, cracked screens and spills is covered up to two times per year. Each claim has a service fee of $29 for screens and $99 for other damage.", attrs: &[("fee", "29")] },
    PolicyDef { slug: "battery-replacement", kind: PolicyType::Other, name: "Battery Replacement Program", aliases: &["battery replacement", "battery service", "电池更换计划", "换电池"], text: "If your device's battery capacity drops below 80% within the warranty period, we replace the battery free of charge. Out of warranty the replacement costs $49.", attrs: &[("fee", "49")] },
    PolicyDef { slug: "trade-in", kind: PolicyType::Other, name: "Trade-In Program", aliases: &["trade in", "trade-in credit", "以旧换新", "旧机回收"], text: "Trade in an eligible phone, tablet or laptop when you buy a new one and get an instant credit. We send a prepaid box; the final value is confirmed after inspection within 5 days.", attrs: &[("duration_days", "14")] },
    PolicyDef { slug: "price-match", kind: PolicyType::Other, name: "Price Match Guarantee", aliases: &["price match", "price protection", "价格保护", "保价"], text: "If the price of your product drops on corvia.com within 14 days of purchase, we refund the difference. Contact support with your order number.", attrs: &[("duration_days", "14")] },
    PolicyDef { slug: "repair-service", kind: PolicyType::Other, name: "Out-of-Warranty Repair Service", aliases: &["paid repair", "repair after warranty", "保外维修", "付费维修"], text: "Devices outside warranty can be repaired for a flat diagnosis fee of $39, credited against the repair. We quote the price before any work starts.", attrs: &[("fee", "39")] },
];

pub struct PlanDef {
    pub slug: &'static str,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub text: &'static str,
    pub price_per_month: &'static str,
    pub price_per_year: &'static str,
    pub features: &'static [&'static str],
    pub policies: &'static [&'static str],
    /// Lines a product of which the plan bundles.
    pub bundles: &'static [&'static str],
}

pub const PLANS: &[PlanDef] = &[
    PlanDef { slug: "care-plus-phones", name: "Corvia Care+ for Phones", aliases: &["Care+", "Care Plus", "Care+ 手机保障", "手机 Care+"], text: "Care+ protects one phone or tablet against accidental damage with express replacement, priority support and a battery service. Enrol within 60 days of purchase.", price_per_month: "7.99", price_per_year: "79", features: &["express-replacement", "priority-support", "battery-service"], policies: &["accidental-damage", "battery-replacement"], bundles: &[] },
    PlanDef { slug: "cloud-video-30", name: "Cloud Video 30-Day", aliases: &["Cloud Video Basic", "30-day cloud plan", "云存储30天套餐", "云录像基础版"], text: "Stores motion-event clips from one camera or doorbell for 30 days, with person detection alerts.", price_per_month: "3.99", price_per_year: "39.99", features: &["cloud-recording"], policies: &["privacy"], bundles: &[] },
    PlanDef { slug: "care-plus-home", name: "Corvia Care+ for Home", aliases: &["Care+ Home", "Care Plus Home", "家庭版 Care+"], text: "Covers all Corvia routers and smart home devices in one household, with express replacement, priority support and remote setup assistance.", price_per_month: "4.99", price_per_year: "49", features: &["express-replacement", "priority-support", "remote-setup"], policies: &["accidental-damage"], bundles: &[] },
    PlanDef { slug: "cloud-backup-200", name: "Corvia Cloud 200 GB", aliases: &["cloud storage 200GB", "Corvia Cloud", "云空间 200G"], text: "200 GB of cloud storage for phone backups, photos and files, shared with up to five family members.", price_per_month: "2.99", price_per_year: "29.99", features: &["cloud-backup"], policies: &["privacy"], bundles: &[] },
    PlanDef { slug: "care-plus-audio", name: "Corvia Care+ for Audio", aliases: &["Care+ Audio", "耳机 Care+", "音频保障服务"], text: "Accidental damage and loss cover for one pair of earbuds or headphones, with express replacement.", price_per_month: "3.99", price_per_year: "39", features: &["express-replacement"], policies: &["accidental-damage"], bundles: &[] },
    PlanDef { slug: "home-starter-bundle", name: "Smart Home Starter Bundle", aliases: &["starter bundle", "smart home bundle", "智能家居入门套装"], text: "A hub, a smart bulb and a smart plug at a bundle price, with a year of Care+ for Home included.", price_per_month: "0", price_per_year: "149", features: &["remote-setup"], policies: &["return-30day"], bundles: &["hubs", "bulbs", "plugs"] },
    PlanDef { slug: "cloud-video-60-plus", name: "Cloud Video 60-Day Plus", aliases: &["Cloud Video Plus", "60-day cloud plan", "云录像高级版", "云存储60天套餐"], text: "Records up to ten cameras and doorbells for 60 days with package and vehicle alerts.", price_per_month: "9.99", price_per_year: "99.99", features: &["cloud-recording", "priority-support"], policies: &["privacy"], bundles: &[] },
    PlanDef { slug: "work-from-home-bundle", name: "Work From Home Bundle", aliases: &["WFH bundle", "home office bundle", "居家办公套装"], text: "A laptop, monitor and keyboard at a bundle price, with two years of priority support.", price_per_month: "0", price_per_year: "1499", features: &["priority-support"], policies: &["warranty-2y"], bundles: &["laptops", "monitors", "keyboards"] },
    PlanDef { slug: "cloud-backup-2tb", name: "Corvia Cloud 2 TB", aliases: &["cloud storage 2TB", "Corvia Cloud Max", "云空间 2T"], text: "2 TB of cloud storage with automatic phone and laptop backups.", price_per_month: "9.99", price_per_year: "99.99", features: &["cloud-backup"], policies: &["privacy"], bundles: &[] },
    PlanDef { slug: "care-plus-laptops", name: "Corvia Care+ for Laptops", aliases: &["Care+ Laptop", "笔记本 Care+", "电脑保障服务"], text: "Accidental damage cover, battery service and priority support for one laptop.", price_per_month: "9.99", price_per_year: "99", features: &["priority-support", "battery-service"], policies: &["accidental-damage", "battery-replacement"], bundles: &[] },
    PlanDef { slug: "network-shield", name: "Corvia Network Shield", aliases: &["Network Shield", "Shield", "网络安全卫士"], text: "Advanced threat protection, ad blocking and age-based content filters for every device on your Corvia network.", price_per_month: "4.99", price_per_year: "49.99", features: &["priority-support"], policies: &["privacy"], bundles: &[] },
    PlanDef { slug: "audio-duo-bundle", name: "Audio Duo Bundle", aliases: &["audio bundle", "耳机音箱套装"], text: "A pair of earbuds and a portable speaker at a bundle price.", price_per_month: "0", price_per_year: "199", features: &["express-replacement"], policies: &["return-15day-audio"], bundles: &["earbuds", "speakers"] },
];

/// What an FAQ topic is about, and what it needs of its subject.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TopicOn {
    /// Any product.
    Product,
    /// A product with one of these spec keys.
    ProductWithSpec(&'static [&'static str]),
    /// A product of this family.
    ProductOfFamily(&'static str),
    /// A product that replaces another (`{other}` is the older one).
    ProductReplacing,
    /// An accessory compatible with a device (`{other}`).
    ProductCompatible,
    /// A product that requires another (`{other}`).
    ProductRequiring,
    /// A product, with the warranty that applies to it (`{policy}`).
    ProductWarranty,
    /// A product, with the return policy of its line (`{policy}`).
    ProductReturn,
    Feature,
    Policy,
    Plan,
    Category,
    /// An issue with an error code.
    Issue,
}

pub struct Phrasing {
    /// The first is the canonical question (the FAQ's name); the rest are paraphrases.
    pub questions: &'static [&'static str],
    pub answers: &'static [&'static str],
}

pub struct Topic {
    pub key: &'static str,
    pub on: TopicOn,
    pub en: Phrasing,
    pub zh: Phrasing,
}

pub const TOPICS: &[Topic] = &[
    Topic {
        key: "setup", on: TopicOn::Product,
        en: Phrasing {
            questions: &["How do I set up my {p}?", "first time setup for the {p}", "install my new {p}", "getting started with the {p}", "{p} setup steps", "how to get my {p} up and running"],
            answers: &[
                "Charge or plug in the {p}, then open the {app} app and tap + > Add device > {noun}. Scan the QR code on {label} and follow the prompts; setup takes about {mins} minutes. The status light turns solid {ok} when the {p} is ready.",
                "Open the {app} app, sign in and choose Add device. Select the {p} from the list and keep your phone within {meters} m while it connects. When the app shows All set, the {p} is ready and will install the latest firmware overnight.",
            ],
        },
        zh: Phrasing {
            questions: &["{p} 怎么设置？", "新买的 {p} 如何安装", "{p} 第一次使用怎么配置", "{p} 怎么激活", "{p} 初次设置步骤", "拿到 {p} 之后怎么开始用"],
            answers: &[
                "先给 {p} 充电或接通电源，然后打开 {app_zh} App，点击「+」>「添加设备」>「{noun_zh}」。扫描{label_zh}上的二维码并按提示操作，大约 {mins} 分钟即可完成。指示灯常亮{ok_zh}表示 {p} 已就绪。",
                "打开 {app_zh} App 并登录，选择「添加设备」，在列表中找到 {p}。连接过程中请让手机保持在 {meters} 米以内。App 显示「设置完成」后即可使用，新固件会在夜间自动安装。",
            ],
        },
    },
    Topic {
        key: "reset", on: TopicOn::Product,
        en: Phrasing {
            questions: &["How do I factory reset my {p}?", "wipe the {p} before selling it", "restore {p} to factory settings", "{p} hard reset", "reset my {p} to default", "erase everything on my {p}"],
            answers: &[
                "Press and hold the {button} button for {secs} seconds until the light blinks {warn}, then release it. The {p} restarts with factory settings in about {mins} minutes and all settings and pairings are erased. Remove it from your {app} account if you are giving it away.",
                "In the {app} app open the {p}, go to Settings > Remove and reset, and confirm. If the {p} is offline, hold the {button} button for {secs} seconds instead. Everything on the device is erased, so set it up again as new afterwards.",
            ],
        },
        zh: Phrasing {
            questions: &["{p} 怎么恢复出厂设置？", "{p} 卖掉之前怎么清空数据", "{p} 如何重置", "{p} 强制恢复出厂", "把 {p} 恢复成默认设置", "{p} 怎么清除所有数据"],
            answers: &[
                "按住{button_zh}键 {secs} 秒，直到指示灯闪烁{warn_zh}后松开。{p} 会在约 {mins} 分钟内以出厂设置重新启动，所有设置和配对记录都会被清除。如果要转让设备，请同时在 {app_zh} App 中将其从账号移除。",
                "在 {app_zh} App 中打开 {p}，进入「设置」>「移除并重置」并确认。如果设备离线，也可以长按{button_zh}键 {secs} 秒。重置后所有数据都会被清除，需要重新设置。",
            ],
        },
    },
    Topic {
        key: "update", on: TopicOn::Product,
        en: Phrasing {
            questions: &["How do I update the firmware on my {p}?", "{p} software update", "check for updates on the {p}", "is my {p} on the latest firmware", "install the newest update for the {p}", "{p} firmware version"],
            answers: &[
                "Updates for the {p} install automatically overnight when it is online. To update now, open the {app} app, select the {p} and tap Settings > Firmware > Check for updates. Keep it powered and within {meters} m of your phone; the update takes about {mins} minutes.",
            ],
        },
        zh: Phrasing {
            questions: &["{p} 怎么升级固件？", "{p} 系统更新", "{p} 如何检查更新", "{p} 是不是最新固件", "给 {p} 装最新版本", "{p} 固件版本怎么看"],
            answers: &[
                "{p} 联网时会在夜间自动更新。如需立即更新，请打开 {app_zh} App，选择 {p}，点击「设置」>「固件」>「检查更新」。更新期间请保持通电并让手机在 {meters} 米以内，大约需要 {mins} 分钟。",
            ],
        },
    },
    Topic {
        key: "connect", on: TopicOn::Product,
        en: Phrasing {
            questions: &["How do I connect my {p} to my phone?", "pair the {p} with my phone", "{p} won't show up on my phone", "link {p} to the app", "connect {p} to a new phone", "add the {p} to my account"],
            answers: &[
                "Turn on Bluetooth on your phone and open the {app} app. Hold the {button} button on the {p} for {secs} seconds until the light flashes {warn}, then tap the {p} when it appears. If you switch phones, remove it from the old phone's Bluetooth list first.",
            ],
        },
        zh: Phrasing {
            questions: &["{p} 怎么连接手机？", "{p} 和手机配对", "手机搜不到 {p}", "{p} 怎么绑定 App", "{p} 换新手机怎么连", "把 {p} 添加到账号"],
            answers: &[
                "打开手机蓝牙和 {app_zh} App，长按 {p} 的{button_zh}键 {secs} 秒直到指示灯闪烁{warn_zh}，然后在 App 中点击出现的 {p}。更换手机时，请先在旧手机的蓝牙列表中删除它。",
            ],
        },
    },
    Topic {
        key: "clean", on: TopicOn::Product,
        en: Phrasing {
            questions: &["How should I clean my {p}?", "best way to clean the {p}", "can I use alcohol wipes on the {p}", "{p} cleaning tips", "the {p} got dirty, how do I clean it", "keeping my {p} clean"],
            answers: &[
                "Switch the {p} off and wipe it with a soft, slightly damp microfibre cloth. You can use 70% isopropyl wipes on the outside, but keep liquids away from ports and openings and let it dry for {mins} minutes before charging. Do not use bleach or abrasive cleaners.",
            ],
        },
        zh: Phrasing {
            questions: &["{p} 怎么清洁？", "{p} 用什么擦比较好", "{p} 能用酒精擦吗", "{p} 清洁注意事项", "{p} 脏了怎么弄干净", "{p} 日常怎么保养"],
            answers: &[
                "先关闭 {p}，用微湿的软布擦拭表面。外壳可以使用 70% 酒精湿巾，但不要让液体进入接口和开孔，擦完后晾干 {mins} 分钟再充电。请勿使用漂白剂或研磨性清洁剂。",
            ],
        },
    },
    Topic {
        key: "in-box", on: TopicOn::Product,
        en: Phrasing {
            questions: &["What's in the box with the {p}?", "what comes with the {p}", "does the {p} come with a charger", "{p} box contents", "what accessories are included with the {p}", "is anything else included with the {p}"],
            answers: &["The {p} comes with {in_box}. Chargers and other accessories are sold separately unless listed here. Keep the box for 30 days in case you want to return it."],
        },
        zh: Phrasing {
            questions: &["{p} 包装里有什么？", "{p} 送什么配件", "{p} 带充电器吗", "{p} 包装清单", "买 {p} 附带哪些东西", "{p} 开箱有哪些配件"],
            answers: &["{p} 包装内含：{in_box_zh}。未列出的充电器等配件需要另购。如需退货，请保留包装盒 30 天。"],
        },
    },
    Topic {
        key: "manual", on: TopicOn::Product,
        en: Phrasing {
            questions: &["Where can I download the {p} user manual?", "{p} manual pdf", "instructions for the {p}", "I lost the {p} guide", "{p} user guide download", "where is the {p} handbook"],
            answers: &["Open the {app} app, select the {p} and tap Help > User manual, or search for the model number {model} on our support site. The manual is available as a PDF in English and Chinese."],
        },
        zh: Phrasing {
            questions: &["{p} 说明书在哪里下载？", "{p} 说明书 PDF", "{p} 使用说明", "{p} 的说明书丢了", "{p} 用户手册下载", "哪里能看 {p} 的说明书"],
            answers: &["在 {app_zh} App 中选择 {p}，点击「帮助」>「用户手册」，或在支持网站搜索型号 {model}。说明书提供中英文 PDF 版本。"],
        },
    },
    Topic {
        key: "serial-number", on: TopicOn::Product,
        en: Phrasing {
            questions: &["Where do I find the serial number on my {p}?", "{p} serial number location", "how to check the SN of the {p}", "find the serial of my {p}", "where is the serial on the {p}", "{p} serial number for warranty"],
            answers: &["The serial number of the {p} is printed on {label} and starts with {sn}. You can also find it in the {app} app under the {p} > Settings > About. Support asks for it when you open a warranty claim."],
        },
        zh: Phrasing {
            questions: &["{p} 的序列号在哪里？", "{p} SN 码怎么查", "怎么看 {p} 的序列号", "{p} 序列号位置", "找不到 {p} 的 SN", "{p} 保修要的序列号在哪"],
            answers: &["{p} 的序列号印在{label_zh}上，以 {sn} 开头。也可以在 {app_zh} App 中进入 {p} >「设置」>「关于」查看。申请保修时需要提供序列号。"],
        },
    },
    Topic {
        key: "warranty-claim", on: TopicOn::ProductWarranty,
        en: Phrasing {
            questions: &["How do I make a warranty claim for my {p}?", "my {p} is faulty, is it under warranty", "{p} warranty repair", "claim warranty on the {p}", "get my {p} fixed under warranty", "{p} stopped working under warranty"],
            answers: &["The {p} is covered by the {policy} ({months} months from delivery). Open the {app} app, go to Orders > Warranty, choose the {p} and describe the fault; we email a prepaid label within one business day. Have the serial number and order number ready."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么申请保修？", "{p} 坏了在保修期内吗", "{p} 保修维修", "{p} 申请质保", "{p} 保修期内坏了怎么办", "{p} 怎么走保修流程"],
            answers: &["{p} 享受{policy}（自收货起 {months} 个月）。打开 {app_zh} App，进入「订单」>「保修」，选择 {p} 并描述故障，我们会在一个工作日内发送免费寄回标签。请准备好序列号和订单号。"],
        },
    },
    Topic {
        key: "return", on: TopicOn::ProductReturn,
        en: Phrasing {
            questions: &["How do I return my {p}?", "send back the {p} for a refund", "I want to return the {p}", "{p} return process", "can I still return my {p}", "return an opened {p}"],
            answers: &["You can return the {p} within {days} days of delivery under our {policy}. Start the return in Orders > Return, pack the {p} with everything that came in the box and drop it off within 7 days. The refund reaches your original payment method within 5–10 business days."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么退货？", "{p} 想退货退款", "我要退掉 {p}", "{p} 退货流程", "{p} 现在还能退吗", "{p} 拆封了能退吗"],
            answers: &["根据{policy}，{p} 可在收货后 {days} 天内退货。在「订单」>「退货」中发起申请，将 {p} 和全部配件装好，并在 7 天内寄出。退款会在 5–10 个工作日内原路退回。"],
        },
    },
    Topic {
        key: "water-resistance", on: TopicOn::ProductWithSpec(&["ip_rating"]),
        en: Phrasing {
            questions: &["Is the {p} waterproof?", "can I use the {p} in the rain", "{p} water resistance", "can I take the {p} swimming", "will the {p} survive a splash", "is the {p} sweatproof"],
            answers: &["The {p} is rated {ip}. It handles rain, splashes and sweat, but water damage is not covered by the warranty, so avoid hot showers, saunas and salt water. Dry it fully before charging."],
        },
        zh: Phrasing {
            questions: &["{p} 防水吗？", "{p} 下雨天能用吗", "{p} 防水等级", "{p} 可以戴着游泳吗", "{p} 进水了会坏吗", "{p} 防汗吗"],
            answers: &["{p} 的防水等级为 {ip}，可以应对雨水、溅水和汗水，但进水损坏不在保修范围内，请避免热水淋浴、桑拿和海水。充电前请确保完全干燥。"],
        },
    },
    Topic {
        key: "battery-tips", on: TopicOn::ProductWithSpec(&["battery_mah", "battery_life_hours"]),
        en: Phrasing {
            questions: &["How can I make the battery on my {p} last longer?", "{p} battery drains fast", "tips to save battery on the {p}", "improve {p} battery life", "{p} battery not lasting", "why does my {p} run out of battery so quickly"],
            answers: &["Turn on battery saver in the {app} app, lower the brightness or volume and switch off features you don't use. Charge the {p} between 20% and 80% when you can, and avoid leaving it in heat above {temp} °C. If capacity falls noticeably within the warranty period, contact support."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么更省电？", "{p} 掉电很快", "{p} 省电技巧", "如何延长 {p} 的续航", "{p} 电池不耐用", "{p} 为什么这么快没电"],
            answers: &["在 {app_zh} App 中打开省电模式，降低亮度或音量并关闭不用的功能。尽量在 20% 到 80% 之间充电，避免放在 {temp}°C 以上的高温环境中。如果保修期内电池容量明显下降，请联系客服。"],
        },
    },
    Topic {
        key: "upgrade", on: TopicOn::ProductReplacing,
        en: Phrasing {
            questions: &["What's the difference between the {p} and the {other}?", "{p} vs {other}", "should I upgrade from the {other} to the {p}", "is the {p} better than the {other}", "{other} or {p}, which one", "what's new in the {p} compared with the {other}"],
            answers: &["The {p} replaces the {other}. It adds {f} and a faster processor, and it gets software updates for longer. The {other} is no longer sold but still receives security updates, and trade-in credit is available when you upgrade."],
        },
        zh: Phrasing {
            questions: &["{p} 和 {other} 有什么区别？", "{p} 对比 {other}", "{other} 值得升级到 {p} 吗", "{p} 比 {other} 好在哪", "{other} 和 {p} 选哪个", "{p} 相比 {other} 有哪些升级"],
            answers: &["{p} 是 {other} 的换代产品，新增了{f_zh}，处理器更快，系统更新支持时间更长。{other} 已停售，但仍会收到安全更新；升级时可参加以旧换新。"],
        },
    },
    Topic {
        key: "works-with", on: TopicOn::ProductCompatible,
        en: Phrasing {
            questions: &["Does the {p} work with the {other}?", "is the {p} compatible with my {other}", "can I use the {p} with the {other}", "{p} and {other} compatibility", "will the {p} fit my {other}", "{p} for {other}?"],
            answers: &["Yes. The {p} is made to work with the {other} and is listed as compatible in the {app} app. For the best results update both to the latest firmware first."],
        },
        zh: Phrasing {
            questions: &["{p} 能和 {other} 一起用吗？", "{p} 兼容 {other} 吗", "{other} 可以用 {p} 吗", "{p} 和 {other} 适配吗", "{p} 适合我的 {other} 吗", "{other} 能配 {p} 吗"],
            answers: &["可以。{p} 专为 {other} 设计，在 {app_zh} App 中也显示为兼容设备。建议先将两者都升级到最新固件。"],
        },
    },
    Topic {
        key: "needs", on: TopicOn::ProductRequiring,
        en: Phrasing {
            questions: &["Do I need a {other} for my {p}?", "does the {p} work without the {other}", "what do I need to use the {p}", "is the {other} required for the {p}", "{p} without a hub", "can the {p} work on its own"],
            answers: &["Yes. The {p} connects to your network through the {other}, which relays its signal and runs automations even when the internet is down. Add the {other} in the {app} app first, then add the {p} to it."],
        },
        zh: Phrasing {
            questions: &["{p} 需要配 {other} 吗？", "{p} 没有 {other} 能用吗", "使用 {p} 需要什么设备", "{p} 必须用 {other} 吗", "{p} 不接网关能用吗", "{p} 可以单独使用吗"],
            answers: &["需要。{p} 通过 {other} 接入网络，即使断网也能运行自动化。请先在 {app_zh} App 中添加 {other}，再把 {p} 添加到网关下。"],
        },
    },
    Topic {
        key: "wifi-password", on: TopicOn::ProductOfFamily("networking"),
        en: Phrasing {
            questions: &["How do I change the Wi-Fi password on my {p}?", "new wifi password {p}", "change network name on the {p}", "update SSID and password on the {p}", "forgot the wifi password of my {p}", "{p} change wifi name"],
            answers: &["Open the {app} app, select the {p} and go to Wi-Fi > Network settings. Enter a new name or a password of at least {chars} characters and tap Save; every device has to reconnect with the new password. If you forgot the password, it is shown in the same screen after you sign in."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么修改 WiFi 密码？", "{p} 改 wifi 名字", "{p} 更改网络名称和密码", "{p} 的 WiFi 密码忘了", "{p} 如何设置新的 WiFi 密码", "{p} 改无线密码"],
            answers: &["打开 {app_zh} App，选择 {p}，进入「WiFi」>「网络设置」，输入新的名称或至少 {chars} 位的密码后保存，所有设备需要用新密码重新连接。忘记密码时，登录后在同一页面即可查看。"],
        },
    },
    Topic {
        key: "transfer-data", on: TopicOn::ProductOfFamily("phones"),
        en: Phrasing {
            questions: &["How do I transfer my data to the new {p}?", "move photos and contacts to the {p}", "copy everything from my old phone to the {p}", "{p} data migration", "switch from iPhone to the {p}", "transfer apps to my {p}"],
            answers: &["During setup of the {p}, choose Copy apps & data and connect your old phone with a USB-C cable or over Wi-Fi. Photos, contacts, messages and most apps move in about {mins} minutes. Coming from an iPhone, turn off iMessage first so you keep receiving texts."],
        },
        zh: Phrasing {
            questions: &["怎么把数据迁移到新的 {p}？", "旧手机照片通讯录导入 {p}", "{p} 换机克隆", "{p} 数据迁移", "苹果手机换 {p} 怎么转数据", "把应用搬到 {p} 上"],
            answers: &["设置 {p} 时选择「复制应用和数据」，用 USB-C 数据线或 WiFi 连接旧手机，照片、通讯录、短信和大部分应用约 {mins} 分钟即可迁移完成。从 iPhone 迁移时，请先关闭 iMessage。"],
        },
    },
    Topic {
        key: "eq-settings", on: TopicOn::ProductOfFamily("audio"),
        en: Phrasing {
            questions: &["How do I adjust the EQ on my {p}?", "change the sound on the {p}", "more bass on the {p}", "{p} equalizer settings", "customise the {p} sound profile", "make the {p} sound better"],
            answers: &["Open the {app} app with the {p} connected and go to Sound > Equalizer. Pick a preset such as Bass Boost or Vocal, or drag the {bands} bands to build your own; the setting is saved on the {p} and works with every phone."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么调 EQ？", "{p} 音效怎么设置", "{p} 低音加强", "{p} 均衡器在哪里", "{p} 自定义音效", "{p} 怎样让声音更好听"],
            answers: &["连接 {p} 后打开 {app_zh} App，进入「声音」>「均衡器」，可以选择低音增强、人声等预设，也可以拖动 {bands} 个频段自定义。设置保存在 {p} 上，连接任何手机都有效。"],
        },
    },
    Topic {
        key: "share-access", on: TopicOn::ProductOfFamily("smart-home"),
        en: Phrasing {
            questions: &["How do I share access to my {p} with family?", "give my partner access to the {p}", "add a family member to the {p}", "{p} shared users", "let someone else control my {p}", "invite a guest to use the {p}"],
            answers: &["In the {app} app open the {p}, tap Settings > Shared users > Invite and enter their email. They get full control or view-only access, and you can remove them at any time. Up to {n} people can share one home."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么共享给家人？", "让家人也能控制 {p}", "{p} 添加家庭成员", "{p} 共享用户", "{p} 怎么给别人权限", "{p} 邀请访客使用"],
            answers: &["在 {app_zh} App 中打开 {p}，进入「设置」>「共享用户」>「邀请」并输入对方邮箱。可以给予完全控制或仅查看权限，并随时移除。一个家庭最多可共享给 {n} 人。"],
        },
    },
    Topic {
        key: "health-sync", on: TopicOn::ProductOfFamily("wearables"),
        en: Phrasing {
            questions: &["How do I sync my {p} with Google Fit or Apple Health?", "{p} health data to other apps", "connect the {p} to Strava", "export workouts from the {p}", "{p} sync with health app", "share {p} steps with another app"],
            answers: &["Open the {app} app, go to Profile > Connected apps and turn on Health Connect, Apple Health or Strava. Steps, heart rate, sleep and workouts from the {p} sync every {mins} minutes while the app runs in the background."],
        },
        zh: Phrasing {
            questions: &["{p} 怎么同步到健康 App？", "{p} 数据导入其他应用", "{p} 连接 Keep 或 Strava", "{p} 运动记录导出", "{p} 和手机健康同步", "{p} 步数共享给别的 App"],
            answers: &["打开 {app_zh} App，进入「我的」>「第三方应用」，开启健康、Apple 健康或 Strava 同步。{p} 的步数、心率、睡眠和运动数据会在后台每 {mins} 分钟同步一次。"],
        },
    },
    Topic {
        key: "fast-charge", on: TopicOn::ProductOfFamily("accessories"),
        en: Phrasing {
            questions: &["Will the {p} fast-charge my phone?", "does the {p} support fast charging", "how fast does the {p} charge", "is the {p} a fast charger", "{p} charging speed for phones", "quick charge with the {p}"],
            answers: &["Yes, the {p} supports USB Power Delivery and PPS, so most phones fast-charge to about 50% in {mins} minutes. Use a cable rated for the wattage; a phone only draws as much power as it can safely take."],
        },
        zh: Phrasing {
            questions: &["{p} 能给手机快充吗？", "{p} 支持快充吗", "{p} 充电速度怎么样", "{p} 是快充吗", "{p} 给手机充电多快", "{p} 快充协议"],
            answers: &["可以。{p} 支持 PD 和 PPS 快充协议，大多数手机约 {mins} 分钟可充到 50%。请使用支持对应功率的数据线，手机只会取用它能安全承受的功率。"],
        },
    },
    Topic {
        key: "turn-on", on: TopicOn::Feature,
        en: Phrasing {
            questions: &["How do I turn on {f}?", "enable {f}", "where is the {f} setting", "{f} not working, how do I switch it on", "activate {f} on my device", "how to use {f}"],
            answers: &["Open the {app} app, select your device and go to Settings > Features > {f}. Turn it on and follow the short tutorial; not every model supports it, and the app only shows the switch on devices that do."],
        },
        zh: Phrasing {
            questions: &["{f_zh}怎么开启？", "如何打开{f_zh}", "{f_zh}在哪里设置", "{f_zh}不起作用怎么打开", "设备上怎么启用{f_zh}", "{f_zh}怎么用"],
            answers: &["打开 {app_zh} App，选择设备，进入「设置」>「功能」>「{f_zh}」并开启，按照简短教程操作即可。并非所有型号都支持该功能，App 只会在支持的设备上显示开关。"],
        },
    },
    Topic {
        key: "which-devices", on: TopicOn::Feature,
        en: Phrasing {
            questions: &["Which Corvia devices support {f}?", "what models have {f}", "list of products with {f}", "does every Corvia device have {f}", "{f} supported devices", "which products come with {f}"],
            answers: &["{f} is available on most current models; each product page lists it under Features. Older devices may get it through a firmware update, so update first and check Settings > Features in the {app} app."],
        },
        zh: Phrasing {
            questions: &["哪些 Corvia 设备支持{f_zh}？", "哪些型号有{f_zh}", "支持{f_zh}的产品列表", "所有设备都有{f_zh}吗", "{f_zh}支持哪些机型", "哪些产品带{f_zh}"],
            answers: &["目前大多数在售型号都支持{f_zh}，产品页面的「功能」中会列出。部分旧设备可以通过固件升级获得该功能，请先升级并在 {app_zh} App 的「设置」>「功能」中查看。"],
        },
    },
    Topic {
        key: "receipt", on: TopicOn::Policy,
        en: Phrasing {
            questions: &["Do I need a receipt for the {policy}?", "lost my receipt, can I still use the {policy}", "proof of purchase for the {policy}", "{policy} without an invoice", "what documents does the {policy} need", "bought it as a gift, does the {policy} apply"],
            answers: &["For the {policy} your order number is enough when you bought from Corvia. For purchases from a retailer, a photo of the receipt or invoice works; without one we use the serial number's production date plus {grace} days."],
        },
        zh: Phrasing {
            questions: &["{policy}需要发票吗？", "收据丢了还能享受{policy}吗", "{policy}需要购买凭证吗", "没有发票能用{policy}吗", "{policy}需要哪些材料", "别人送的礼物适用{policy}吗"],
            answers: &["在 Corvia 官方购买的，{policy}只需提供订单号。在其他零售商购买的，提供收据或发票照片即可；没有凭证时，我们按序列号的生产日期加 {grace} 天计算。"],
        },
    },
    Topic {
        key: "how-to-claim", on: TopicOn::Policy,
        en: Phrasing {
            questions: &["How do I start a claim under the {policy}?", "use the {policy}", "{policy} claim steps", "where do I apply for the {policy}", "how does the {policy} work", "request service under the {policy}"],
            answers: &["Go to Orders in the {app} app or on our website, choose the item and select {policy}. Describe the problem and upload a photo if asked; most requests are approved within {hours} hours and you get the next steps by email."],
        },
        zh: Phrasing {
            questions: &["怎么申请{policy}？", "{policy}怎么用", "{policy}申请步骤", "在哪里办理{policy}", "{policy}是怎么操作的", "按{policy}申请服务"],
            answers: &["在 {app_zh} App 或官网的「订单」中选择商品并点击「{policy}」，描述问题并按要求上传照片。大多数申请会在 {hours} 小时内审核通过，后续步骤会通过邮件发送。"],
        },
    },
    Topic {
        key: "exclusions", on: TopicOn::Policy,
        en: Phrasing {
            questions: &["What isn't covered by the {policy}?", "{policy} exclusions", "does the {policy} cover water damage", "limits of the {policy}", "what does the {policy} not include", "{policy} fine print"],
            answers: &["The {policy} does not cover damage from accidents, liquids or unauthorised repairs, normal wear, or products bought from unauthorised sellers. Consumables such as ear tips and straps are excluded. Care+ members can add accidental damage cover."],
        },
        zh: Phrasing {
            questions: &["{policy}不包括哪些情况？", "{policy}的免责条款", "{policy}管进水吗", "{policy}有什么限制", "哪些不在{policy}范围内", "{policy}细则"],
            answers: &["{policy}不包括意外、进液或私自维修造成的损坏、正常磨损，以及从非授权渠道购买的产品。耳塞套、表带等耗材也不在范围内。Care+ 会员可额外获得意外损坏保障。"],
        },
    },
    Topic {
        key: "cancel", on: TopicOn::Plan,
        en: Phrasing {
            questions: &["How do I cancel {plan}?", "stop my {plan} subscription", "unsubscribe from {plan}", "end {plan}", "turn off auto-renew for {plan}", "cancel {plan} and get a refund"],
            answers: &["Go to Account > Subscriptions in the {app} app, choose {plan} and tap Cancel subscription. It stays active until the end of the paid period; cancelling within {days} days of starting gives a full refund."],
        },
        zh: Phrasing {
            questions: &["怎么取消 {plan}？", "退订 {plan}", "{plan} 怎么关闭自动续费", "不想要 {plan} 了", "停止 {plan} 订阅", "取消 {plan} 能退款吗"],
            answers: &["在 {app_zh} App 中进入「账号」>「订阅」，选择 {plan} 并点击「取消订阅」。服务会持续到当前付费周期结束；开通后 {days} 天内取消可全额退款。"],
        },
    },
    Topic {
        key: "add-devices", on: TopicOn::Plan,
        en: Phrasing {
            questions: &["Can I add more devices to {plan}?", "how many devices does {plan} cover", "add a second device to {plan}", "{plan} device limit", "does {plan} cover all my devices", "move {plan} to a new device"],
            answers: &["{plan} covers up to {n} devices on one account. Add a device under Account > Subscriptions > {plan} > Devices; moving the plan to a new device keeps your remaining time."],
        },
        zh: Phrasing {
            questions: &["{plan} 能添加更多设备吗？", "{plan} 可以覆盖几台设备", "{plan} 加第二台设备", "{plan} 设备数量上限", "{plan} 能保我所有设备吗", "{plan} 怎么换到新设备"],
            answers: &["{plan} 每个账号最多支持 {n} 台设备。在「账号」>「订阅」>「{plan}」>「设备」中添加；把套餐转移到新设备时，剩余时长会保留。"],
        },
    },
    Topic {
        key: "buying-guide", on: TopicOn::Category,
        en: Phrasing {
            questions: &["Which {cat} should I buy?", "help me choose between your {cat}", "best {cat} for me", "comparing {cat}", "{cat} buying guide", "what's the difference between your {cat}"],
            answers: &["Start with how you'll use it: Lite models cover the basics at the lowest price, standard models add our most popular features, and Max and Ultra models have the best performance plus the 3-Year Flagship Warranty. The comparison page for {cat} lists every spec side by side."],
        },
        zh: Phrasing {
            questions: &["{cat_zh}买哪款好？", "帮我挑一款{cat_zh}", "最适合我的{cat_zh}", "{cat_zh}怎么选", "{cat_zh}选购指南", "你们的{cat_zh}有什么区别"],
            answers: &["先看使用场景：Lite 版价格最低，满足基本需求；标准版加入最受欢迎的功能；Max 和 Ultra 版性能最好，并享受三年旗舰保修。{cat_zh}对比页面会并列展示所有参数。"],
        },
    },
    Topic {
        key: "error-help", on: TopicOn::Issue,
        en: Phrasing {
            questions: &["What should I do when my {noun} shows {code}?", "{code} keeps coming back", "how serious is error {code}", "{code} on my {noun} after an update", "getting {code} again and again", "{code} won't go away"],
            answers: &["{code} means {symptom}: {cause}. Try {fix} first. If the code comes back more than twice in a day, contact support from the {app} app so we can check the device logs."],
        },
        zh: Phrasing {
            questions: &["{noun_zh}显示 {code} 该怎么办？", "{code} 反复出现", "{code} 错误严重吗", "升级后{noun_zh}出现 {code}", "一直报 {code}", "{code} 一直消不掉"],
            answers: &["{code} 表示{symptom_zh}。请先尝试{fix_zh}。如果一天内出现超过两次，请在 {app_zh} App 中联系客服，以便我们查看设备日志。"],
        },
    },
];

/// Where a label is, in both languages (for setup and serial-number answers).
pub const LABEL_PLACES: &[(&str, &str)] = &[
    ("the label on the bottom", "底部标签"),
    ("the back of the box", "包装盒背面"),
    ("the quick start guide", "快速入门指南"),
    ("the label inside the battery cover", "电池盖内侧标签"),
];
pub const OK_COLORS: &[(&str, &str)] = &[("white", "白色"), ("green", "绿色"), ("blue", "蓝色")];
pub const WARN_COLORS: &[(&str, &str)] =
    &[("orange", "橙色"), ("purple", "紫色"), ("amber", "黄色")];

/// How customers ask for an attribute of a product or plan; `{p}` is the subject.
pub struct AttrAsk {
    pub key: &'static str,
    pub en: &'static [&'static str],
    pub zh: &'static [&'static str],
}

pub const ATTR_ASKS: &[AttrAsk] = &[
    AttrAsk {
        key: "price",
        en: &[
            "how much is the {p}",
            "{p} price",
            "what does the {p} cost",
            "is the {p} expensive",
            "price of the {p}?",
        ],
        zh: &["{p} 多少钱", "{p} 价格是多少", "{p} 售价", "{p} 贵不贵"],
    },
    AttrAsk {
        key: "battery_mah",
        en: &[
            "battery capacity of the {p}",
            "how big is the battery in the {p}",
            "{p} mah",
        ],
        zh: &["{p} 电池容量多大", "{p} 电池多少毫安", "{p} 电池多大"],
    },
    AttrAsk {
        key: "battery_life_hours",
        en: &[
            "{p} battery life",
            "how long does the battery last on the {p}",
            "how many hours does the {p} last",
        ],
        zh: &["{p} 续航多久", "{p} 能用多久", "{p} 充满电用几个小时"],
    },
    AttrAsk {
        key: "screen_inches",
        en: &[
            "screen size of the {p}",
            "how big is the screen on the {p}",
            "{p} display size",
        ],
        zh: &["{p} 屏幕多大", "{p} 屏幕尺寸", "{p} 几寸屏"],
    },
    AttrAsk {
        key: "storage_gb",
        en: &[
            "how much storage does the {p} have",
            "{p} storage",
            "how many gb is the {p}",
        ],
        zh: &["{p} 存储多大", "{p} 内存多大", "{p} 是多少G的"],
    },
    AttrAsk {
        key: "ram_gb",
        en: &["how much ram does the {p} have", "{p} ram"],
        zh: &["{p} 运行内存多大", "{p} 运存多少"],
    },
    AttrAsk {
        key: "camera_mp",
        en: &[
            "how many megapixels is the {p} camera",
            "{p} camera resolution",
        ],
        zh: &["{p} 摄像头多少像素", "{p} 相机像素"],
    },
    AttrAsk {
        key: "charging_w",
        en: &[
            "how fast does the {p} charge",
            "{p} charging speed in watts",
            "fast charge wattage of the {p}",
        ],
        zh: &["{p} 充电功率多少", "{p} 几瓦快充", "{p} 快充多少瓦"],
    },
    AttrAsk {
        key: "weight_g",
        en: &[
            "how heavy is the {p}",
            "{p} weight",
            "how much does the {p} weigh",
        ],
        zh: &["{p} 有多重", "{p} 重量", "{p} 几克"],
    },
    AttrAsk {
        key: "wifi_standard",
        en: &[
            "which wifi standard does the {p} use",
            "is the {p} wifi 6",
            "{p} wifi version",
        ],
        zh: &["{p} 是几代WiFi", "{p} WiFi 标准"],
    },
    AttrAsk {
        key: "max_speed_mbps",
        en: &[
            "max speed of the {p}",
            "how fast is the {p}",
            "{p} top speed mbps",
        ],
        zh: &["{p} 最高速率多少", "{p} 网速多快"],
    },
    AttrAsk {
        key: "coverage_sqft",
        en: &[
            "how big a house does the {p} cover",
            "{p} coverage in square feet",
        ],
        zh: &["{p} 能覆盖多大面积", "{p} 覆盖范围"],
    },
    AttrAsk {
        key: "lan_ports",
        en: &["how many lan ports does the {p} have", "{p} ethernet ports"],
        zh: &["{p} 有几个网口", "{p} LAN 口数量"],
    },
    AttrAsk {
        key: "release_year",
        en: &[
            "when was the {p} released",
            "what year did the {p} come out",
            "{p} release date",
        ],
        zh: &["{p} 哪年出的", "{p} 上市时间", "{p} 什么时候发布的"],
    },
    AttrAsk {
        key: "color",
        en: &["what colour is the {p}", "{p} colors available"],
        zh: &["{p} 有什么颜色", "{p} 配色"],
    },
    AttrAsk {
        key: "resolution",
        en: &["what resolution is the {p}", "{p} video quality"],
        zh: &["{p} 分辨率多少", "{p} 画质怎么样"],
    },
    AttrAsk {
        key: "field_of_view_deg",
        en: &["field of view of the {p}", "how wide can the {p} see"],
        zh: &["{p} 视角多大", "{p} 拍摄角度"],
    },
    AttrAsk {
        key: "ip_rating",
        en: &["what is the ip rating of the {p}", "{p} waterproof rating"],
        zh: &["{p} 防水等级", "{p} IP 等级是多少"],
    },
    AttrAsk {
        key: "bluetooth_version",
        en: &[
            "which bluetooth version does the {p} have",
            "{p} bluetooth version",
        ],
        zh: &["{p} 蓝牙版本", "{p} 蓝牙几点几"],
    },
    AttrAsk {
        key: "output_w",
        en: &["how many watts is the {p}", "{p} output power"],
        zh: &["{p} 功率多少", "{p} 输出功率"],
    },
    AttrAsk {
        key: "status",
        en: &["is the {p} discontinued", "is the {p} still sold"],
        zh: &["{p} 停产了吗", "{p} 还在卖吗"],
    },
    AttrAsk {
        key: "price_per_month",
        en: &[
            "how much is {p} per month",
            "{p} monthly price",
            "what does {p} cost a month",
        ],
        zh: &["{p} 每月多少钱", "{p} 月费多少"],
    },
    AttrAsk {
        key: "price_per_year",
        en: &["{p} yearly price", "how much is {p} per year"],
        zh: &["{p} 年费多少", "{p} 包年价格"],
    },
];

/// Questions the KB cannot answer: other companies' products, off-topic chat.
pub const UNANSWERABLE_EN: &[&str] = &[
    "do you have a 65 inch oled tv",
    "how many calories in a banana",
    "what's the weather in paris tomorrow",
    "can you recommend a good pizza place",
    "who won the world cup in 2010",
    "how do i file my taxes",
    "what time does the train to boston leave",
    "is my iphone 15 still under apple warranty",
    "how do i change the oil in my car",
    "what's the capital of australia",
    "can you write me a poem about cats",
    "how do i fix a leaking faucet",
    "what is the meaning of life",
    "translate good morning into french",
    "how long should i boil an egg",
    "what's the best stock to buy right now",
    "help me with my math homework",
    "how do i unclog a drain",
    "which airline has the most legroom",
    "what's a good name for a puppy",
];

/// Things the company does not sell, for "do you sell …" questions.
pub const NOT_SOLD_EN: &[&str] = &[
    "washing machines",
    "drones",
    "electric scooters",
    "refrigerators",
    "air fryers",
    "printers",
    "game consoles",
    "vr headsets",
    "electric toothbrushes",
    "coffee machines",
    "dishwashers",
    "e-bikes",
    "projectors",
    "hair dryers",
    "microwave ovens",
];
pub const NOT_SOLD_ZH: &[&str] = &[
    "洗衣机",
    "无人机",
    "电动滑板车",
    "冰箱",
    "空气炸锅",
    "打印机",
    "游戏机",
    "VR 眼镜",
    "电动牙刷",
    "咖啡机",
    "洗碗机",
    "电动自行车",
    "投影仪",
    "吹风机",
    "微波炉",
];
pub const NOT_SOLD_EN_TEMPLATES: &[&str] = &[
    "do you sell {x}",
    "are you going to make {x}",
    "where can i buy your {x}",
    "do you have any {x}",
];
pub const NOT_SOLD_ZH_TEMPLATES: &[&str] = &[
    "你们卖{x}吗",
    "有没有{x}",
    "你们家的{x}多少钱",
    "你们出{x}吗",
];

pub const UNANSWERABLE_ZH: &[&str] = &[
    "你们有电视机吗 75寸的",
    "明天北京天气怎么样",
    "香蕉有多少卡路里",
    "帮我写一首关于猫的诗",
    "怎么做红烧肉",
    "世界杯冠军是谁",
    "个人所得税怎么申报",
    "水龙头漏水怎么修",
    "推荐一只好股票",
    "高铁几点发车",
];

/// Question templates for one kind of labelled question, per language.
pub struct Asks {
    pub en: &'static [&'static str],
    pub zh: &'static [&'static str],
}

/// "What does this error code mean?" (`{code}`, `{noun}`, `{noun_zh}`).
pub const ASK_CODE: Asks = Asks {
    en: &[
        "what does {code} mean",
        "{code} error meaning",
        "what is error {code}",
        "my {noun} shows {code}, what is that",
        "{code}??",
        "what is {code} on the {noun}",
    ],
    zh: &[
        "{code} 是什么错误",
        "{code} 是什么意思",
        "{noun_zh}显示{code}是什么情况",
        "{code} 代表什么",
    ],
};
/// "What is this model?" (`{model}`: a model number or SKU).
pub const ASK_MODEL: Asks = Asks {
    en: &[
        "what is the {model}",
        "{model} specs",
        "tell me about {model}",
        "info on model {model}",
        "is the {model} any good",
        "need info on sku {model}",
    ],
    zh: &[
        "{model} 是什么型号",
        "{model} 是哪款产品",
        "{model} 这个型号是什么",
        "{model} 是啥东西",
    ],
};
/// solved_by, from an error code.
pub const ASK_FIX: Asks = Asks {
    en: &[
        "how do i fix error {code}",
        "which solution fixes error {code}",
        "{code} keeps showing up, how do i solve it",
        "what do i do about {code} on my {noun}",
        "troubleshoot {code}",
        "how to resolve {code}",
    ],
    zh: &[
        "{code} 怎么解决",
        "{noun_zh}报 {code} 怎么办",
        "{code} 错误如何修复",
        "出现 {code} 的解决方法",
    ],
};
/// replaces, walked backwards: the newer model.
pub const ASK_SUCCESSOR: Asks = Asks {
    en: &[
        "what replaced the {p}",
        "is there a newer version of the {p}",
        "what's the successor of the {p}",
        "what should i upgrade to from the {p}",
    ],
    zh: &["{p} 的新款是哪个", "{p} 被什么取代了", "{p} 升级版是什么"],
};
/// replaces: the older model.
pub const ASK_PREDECESSOR: Asks = Asks {
    en: &[
        "what does the {p} replace",
        "which model is the {p} a replacement for",
        "the {p} is the successor of which model",
    ],
    zh: &[
        "{p} 替代的是哪款",
        "{p} 是哪款的换代产品",
        "{p} 取代了哪个型号",
    ],
};
/// requires (`{other_noun}`: the required line's noun).
pub const ASK_REQUIRES: Asks = Asks {
    en: &[
        "what do i need to use the {p}",
        "does the {p} need a {other_noun}",
        "what does the {p} require",
        "which {other_noun} does the {p} need",
    ],
    zh: &[
        "{p} 需要配什么",
        "{p} 要不要{other_noun_zh}",
        "{p} 必须搭配什么设备",
    ],
};
/// compatible_with, from the accessory.
pub const ASK_COMPATIBLE: Asks = Asks {
    en: &[
        "what is the {p} compatible with",
        "what works with the {p}",
        "what can i use the {p} with",
        "which devices does the {p} fit",
    ],
    zh: &["{p} 兼容哪些设备", "{p} 能配什么用", "{p} 适配哪些型号"],
};
/// compatible_with, from the device, restricted to one line (`{nouns}`, `{noun_zh}`).
pub const ASK_FITS: Asks = Asks {
    en: &[
        "which {nouns} fit the {p}",
        "what {nouns} work with the {p}",
        "compatible {nouns} for the {p}",
    ],
    zh: &["{p} 能用哪些{noun_zh}", "{p} 适配的{noun_zh}有哪些"],
};
/// covered_by, warranty (one hop for flagships, two through the category otherwise).
pub const ASK_WARRANTY: Asks = Asks {
    en: &[
        "what is the warranty on the {p}",
        "how long is the {p} warranty",
        "{p} warranty length",
        "whats the guarantee on the {p}",
    ],
    zh: &["{p} 保修多久", "{p} 的保修政策", "{p} 保修期多长"],
};
/// covered_by, return policy, through the category.
pub const ASK_RETURN: Asks = Asks {
    en: &[
        "what's the return policy for the {p}",
        "can i return the {p}",
        "{p} return window",
        "how many days do i have to return my {p}",
    ],
    zh: &[
        "{p} 退货政策",
        "{p} 可以退货吗",
        "{p} 几天内可以退",
        "{p} 退货期多久",
    ],
};
/// includes, from a plan.
pub const ASK_INCLUDES: Asks = Asks {
    en: &[
        "what does {p} include",
        "what do i get with {p}",
        "what's in {p}",
        "what comes with {p}",
    ],
    zh: &["{p} 包含什么", "{p} 有什么服务", "{p} 包括哪些内容"],
};
/// has_feature, a yes/no question (`{f}`, `{f_zh}`).
pub const ASK_HAS_FEATURE: Asks = Asks {
    en: &[
        "does the {p} support {f}",
        "does the {p} have {f}",
        "does the {p} come with {f}",
    ],
    zh: &["{p} 支持{f_zh}吗", "{p} 有没有{f_zh}"],
};
/// belongs_to.
pub const ASK_CATEGORY: Asks = Asks {
    en: &[
        "what kind of product is the {p}",
        "which category is the {p} in",
        "what type of device is the {p}",
    ],
    zh: &["{p} 属于哪个系列", "{p} 是哪一类产品"],
};
