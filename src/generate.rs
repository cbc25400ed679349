//! A deterministic generator of realistic catalogs, for benchmarks and for trying the
//! scorer at sizes no hand-written catalog reaches.
//!
//! Products are drawn from eight categories, each with its own vocabulary (adjectives,
//! nouns, materials, features, uses, tags) and its own sentence templates. Products of
//! one category therefore share many description words and a few name and tag words,
//! while products of different categories share almost none: the similarity signals have
//! something real to find.
//!
//! Determinism: the only randomness is [`SplitMix64`], seeded from `seed` and the product
//! index, and all arithmetic is on integers (a price is an integer number of cents
//! divided by 100 once, which IEEE 754 rounds the same way everywhere). The same `n` and
//! `seed` give the same catalog on every platform, wasm32 included.

use crate::catalog::{Catalog, CatalogError, MAX_PRODUCTS, Product};

/// Generates `n` realistic products; the same `n` and `seed` always give the same catalog.
///
/// Each product has a slug identifier such as `beauty-matte-velvet-lipstick-17` (the
/// index at the end makes it unique), a name such as "Matte Velvet Lipstick", a
/// description of 150 to 250 bytes written from its category's sentence templates, a
/// category, 2 to 4 tags and a price with two decimals. Product `i` depends only on
/// `seed` and `i`, so a larger `n` extends a smaller catalog without changing it.
///
/// # Errors
/// [`CatalogError::Empty`] when `n` is 0, [`CatalogError::TooManyProducts`] when `n` is
/// over [`MAX_PRODUCTS`].
///
/// # Examples
/// ```
/// use shop_recs::generate::generate;
///
/// let catalog = generate(1_000, 7).unwrap();
/// assert_eq!(catalog.len(), 1_000);
/// assert_eq!(catalog.products(), generate(1_000, 7).unwrap().products());
/// assert!(catalog.product(0).id.ends_with("-0"));
/// ```
pub fn generate(n: usize, seed: u64) -> Result<Catalog, CatalogError> {
    if n == 0 {
        return Err(CatalogError::Empty);
    }
    if n > MAX_PRODUCTS {
        return Err(CatalogError::TooManyProducts {
            count: n,
            limit: MAX_PRODUCTS,
        });
    }
    let mut sentence = String::with_capacity(MAX_DESCRIPTION);
    let products = (0..n)
        .map(|index| generate_product(index, seed, &mut sentence))
        .collect();
    Catalog::from_products(products)
}

/// Descriptions are at least this many bytes...
const MIN_DESCRIPTION: usize = 150;
/// ...and at most this many.
const MAX_DESCRIPTION: usize = 250;

/// The words one product is written from, as indices into its category's lists.
struct Draw {
    category: &'static Category,
    adjective: usize,
    adjective2: usize,
    noun: usize,
    material: usize,
    feature: usize,
    feature2: usize,
    purpose: usize,
}

fn generate_product(index: usize, seed: u64, sentence: &mut String) -> Product {
    let mut rng = SplitMix64::for_item(seed, index as u64);
    let category = &CATEGORIES[rng.below(CATEGORIES.len())];
    let (adjective, adjective2) = rng.two_distinct(category.adjectives.len());
    let (feature, feature2) = rng.two_distinct(category.features.len());
    let draw = Draw {
        category,
        adjective,
        adjective2,
        noun: rng.below(category.nouns.len()),
        material: rng.below(category.materials.len()),
        feature,
        feature2,
        purpose: rng.below(category.purposes.len()),
    };

    let adjectives = category.adjectives;
    let noun = category.nouns[draw.noun];
    let mut name = String::with_capacity(48);
    for part in [
        adjectives[adjective],
        " ",
        adjectives[adjective2],
        " ",
        noun,
    ] {
        name.push_str(part);
    }

    let mut id = String::with_capacity(category.name.len() + name.len() + 8);
    push_slug(&mut id, category.name);
    id.push('-');
    push_slug(&mut id, &name);
    id.push('-');
    push_decimal(&mut id, index as u64);

    let description = describe(&draw, &name, &mut rng, sentence);

    // The noun is the most telling tag ("lipstick"); 1 to 3 more come from the category.
    let noun_tag = noun.to_ascii_lowercase();
    let extra = 1 + rng.below(3);
    let mut order = [0u8; MAX_TAGS];
    let pool = rng.shuffled(&mut order, category.tags.len()).iter();
    let fresh = pool
        .map(|&k| category.tags[k as usize])
        .filter(|&tag| tag != noun_tag);
    let mut tags = Vec::with_capacity(1 + extra);
    tags.extend(fresh.take(extra).map(str::to_string));
    tags.insert(0, noun_tag);

    let (low, high) = category.price_dollars;
    let dollars = low + rng.below((high - low) as usize) as u64;
    let cents = [99, 49, 95, 0, 50][rng.below(5)];
    let price = (dollars * 100 + cents) as f64 / 100.0;

    Product {
        id,
        name,
        description,
        category: Some(category.name.to_string()),
        tags,
        price: Some(price),
    }
}

/// Writes a description of [`MIN_DESCRIPTION`]..=[`MAX_DESCRIPTION`] bytes.
///
/// An opening sentence, then the category's other sentences in a random order, until a
/// random target length is reached. A sentence is added only if it fits and repeats no
/// phrase (material, feature, use) already written. Short fillers (each under 100
/// bytes, so one never overshoots) top up anything still under the minimum.
fn describe(draw: &Draw, name: &str, rng: &mut SplitMix64, sentence: &mut String) -> String {
    let category = draw.category;
    let mut text = String::with_capacity(MAX_DESCRIPTION);
    let opening = category.openings[rng.below(category.openings.len())];
    let mut phrases_used = expand(opening, draw, name, &mut text);

    let target = MIN_DESCRIPTION + rng.below(MAX_DESCRIPTION - MIN_DESCRIPTION - 20);
    let mut order = [0u8; MAX_SENTENCES];
    for &k in rng.shuffled(&mut order, category.sentences.len()).iter() {
        if text.len() >= target {
            break;
        }
        sentence.clear();
        let phrases = expand(category.sentences[k as usize], draw, name, sentence);
        if phrases & phrases_used == 0 && text.len() + 1 + sentence.len() <= MAX_DESCRIPTION {
            text.push(' ');
            text.push_str(sentence);
            phrases_used |= phrases;
        }
    }
    let mut filler = rng.below(FILLERS.len());
    while text.len() < MIN_DESCRIPTION {
        text.push(' ');
        text.push_str(FILLERS[filler]);
        filler = (filler + 1) % FILLERS.len();
    }
    text
}

/// Appends `template` to `out`, replacing each `{placeholder}` with the drawn word, and
/// returns which phrases it used (one bit each for `{material}`, `{feature}`,
/// `{feature2}` and `{use}`), so that a description says each of them once.
///
/// `{name}` is the product name as written; `{adj}`, `{adj2}` and `{noun}` are
/// lowercased for the middle of a sentence; `{material}`, `{feature}`, `{feature2}` and
/// `{use}` are already lowercase phrases. An unknown placeholder is copied as it is (a
/// unit test checks that no template has one).
fn expand(template: &str, draw: &Draw, name: &str, out: &mut String) -> u8 {
    let category = draw.category;
    let mut phrases = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|k| open + k) else {
            break;
        };
        match &rest[open + 1..close] {
            "name" => out.push_str(name),
            "adj" => push_lowercase(out, category.adjectives[draw.adjective]),
            "adj2" => push_lowercase(out, category.adjectives[draw.adjective2]),
            "noun" => push_lowercase(out, category.nouns[draw.noun]),
            "material" => {
                out.push_str(category.materials[draw.material]);
                phrases |= 1;
            }
            "feature" => {
                out.push_str(category.features[draw.feature]);
                phrases |= 2;
            }
            "feature2" => {
                out.push_str(category.features[draw.feature2]);
                phrases |= 4;
            }
            "use" => {
                out.push_str(category.purposes[draw.purpose]);
                phrases |= 8;
            }
            _ => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    phrases
}

/// Appends ASCII `text` lowercased (the vocabulary is ASCII; a unit test checks).
fn push_lowercase(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
}

/// Appends `text` as a slug: ASCII letters and digits lowercased, every run of anything
/// else one `-`, none at either end.
fn push_slug(out: &mut String, text: &str) {
    let mut pending_dash = false;
    let start = out.len();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && out.len() > start {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
}

/// Appends `value` in decimal without going through the formatting machinery.
fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[k..].iter().map(|&d| char::from(d)));
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// 2014), the generator Java's `SplittableRandom` uses: 64 bits of state, integer
/// arithmetic only, so its output is the same on every platform.
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// An independent stream for item `index` of the catalog seeded with `seed`.
    fn for_item(seed: u64, index: u64) -> SplitMix64 {
        let mixed = Self::mix(seed ^ Self::mix(index.wrapping_add(Self::GAMMA)));
        SplitMix64 { state: mixed }
    }

    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        Self::mix(self.state)
    }

    /// A number in `0..n` (`n > 0`), by Lemire's multiply-shift: no division, and a bias
    /// of at most `n / 2^64`, far too small to matter here.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Two different numbers in `0..n` (`n >= 2`).
    fn two_distinct(&mut self, n: usize) -> (usize, usize) {
        let first = self.below(n);
        let second = (first + 1 + self.below(n - 1)) % n;
        (first, second)
    }

    /// Fills `slots[..n]` with a random permutation of `0..n` (Fisher–Yates) and returns it.
    fn shuffled<'s>(&mut self, slots: &'s mut [u8], n: usize) -> &'s [u8] {
        let slots = &mut slots[..n];
        for (k, slot) in slots.iter_mut().enumerate() {
            *slot = k as u8;
        }
        for k in (1..n).rev() {
            slots.swap(k, self.below(k + 1));
        }
        slots
    }
}

/// Most sentence templates a category may have (the size of the shuffle buffer).
const MAX_SENTENCES: usize = 8;
/// Most tags in a category's pool.
const MAX_TAGS: usize = 8;

/// One category's vocabulary and templates. All text is ASCII.
struct Category {
    name: &'static str,
    /// Title case, for names; lowercased in sentences.
    adjectives: &'static [&'static str],
    /// Title case, for names; lowercased in sentences.
    nouns: &'static [&'static str],
    /// Lowercase noun phrases: what the product is made of, or where it comes from.
    materials: &'static [&'static str],
    /// Lowercase verb phrases in the third person: "it {feature}".
    features: &'static [&'static str],
    /// Lowercase noun phrases: "ideal for {use}".
    purposes: &'static [&'static str],
    /// At most [`MAX_TAGS`].
    tags: &'static [&'static str],
    /// One of these starts every description.
    openings: &'static [&'static str],
    /// At most [`MAX_SENTENCES`], in any order after the opening.
    sentences: &'static [&'static str],
    /// Whole-dollar price range, `low..high`.
    price_dollars: (u64, u64),
}

/// Generic closing sentences, each under 100 bytes, used only to reach the minimum length.
const FILLERS: &[&str] = &[
    "Ships in recyclable packaging.",
    "Free returns within thirty days.",
    "Backed by our satisfaction guarantee.",
    "Customers rate it highly for value.",
];

// A data table: rustfmt would put every word on its own line.
#[rustfmt::skip]
const CATEGORIES: [Category; 8] = [
    Category {
        name: "beauty",
        adjectives: &[
            "Matte", "Velvet", "Hydrating", "Long-Lasting", "Satin", "Sheer", "Nourishing",
            "Radiant", "Creamy", "Waterproof", "Glossy", "Silky",
        ],
        nouns: &[
            "Lipstick", "Mascara", "Eyeshadow Palette", "Foundation", "Blush", "Lip Gloss",
            "Eyeliner", "Concealer", "Highlighter",
        ],
        materials: &[
            "shea butter", "vitamin E", "jojoba oil", "hyaluronic acid", "natural beeswax",
            "mineral pigments",
        ],
        features: &[
            "glides on smoothly in a single stroke",
            "resists smudging for up to twelve hours",
            "stays comfortable on sensitive skin",
            "builds from a soft wash to full coverage",
            "never feels heavy or sticky",
            "blends easily with fingertips or a brush",
        ],
        purposes: &[
            "everyday wear", "evening events", "quick touch-ups on the go", "long office days",
            "weddings and photoshoots", "a natural no-makeup look",
        ],
        tags: &["beauty", "makeup", "cosmetics", "cruelty-free", "vegan", "long-wear"],
        openings: &[
            "The {name} gives a rich, even colour with a {adj} finish.",
            "Meet the {name}, our {adj} {noun} made for {use}.",
            "This {adj} {noun} brings salon-quality colour to your makeup routine.",
        ],
        sentences: &[
            "Enriched with {material}, it {feature}.",
            "The formula {feature2} and keeps your skin soft.",
            "Perfect for {use}, it fits easily in any makeup bag.",
            "Dermatologist tested, cruelty-free and suitable for all skin types.",
            "Apply a thin layer of this {adj2} {noun} and build up the colour as you like.",
            "Each {noun} is blended with {material} for a smooth, comfortable feel.",
        ],
        price_dollars: (6, 45),
    },
    Category {
        name: "fragrances",
        adjectives: &[
            "Amber", "Citrus", "Floral", "Woody", "Fresh", "Musky", "Oriental", "Aquatic", "Spiced",
            "Powdery",
        ],
        nouns: &[
            "Eau de Parfum", "Eau de Toilette", "Body Mist", "Cologne", "Perfume Oil",
            "Solid Perfume",
        ],
        materials: &[
            "bergamot and pink pepper", "jasmine and rose petals", "sandalwood and vetiver",
            "vanilla and tonka bean", "sea salt and sage", "oud and soft leather",
        ],
        features: &[
            "lasts all day on the skin",
            "opens bright and settles into a warm base",
            "projects softly without overpowering the room",
            "develops beautifully over several hours",
            "layers well with your other scents",
            "leaves a subtle trail wherever you go",
        ],
        purposes: &[
            "evening dinners", "warm summer days", "the office", "special occasions",
            "everyday wear", "date nights",
        ],
        tags: &["perfume", "scent", "fragrance", "gift", "unisex", "long-lasting"],
        openings: &[
            "The {name} blends {material} into a rich, {adj} fragrance.",
            "This {adj} {noun} captures the mood of {use} in one elegant bottle.",
            "Discover the {name}, an elegant scent that {feature}.",
        ],
        sentences: &[
            "The blend of {material} {feature2}.",
            "A few sprays are all you need for {use}.",
            "The heavy glass bottle makes this {noun} a thoughtful gift.",
            "The {adj2} heart of the scent {feature}.",
            "Made in small batches with natural essential oils.",
            "Spray on pulse points for a fragrance that {feature2}.",
        ],
        price_dollars: (18, 140),
    },
    Category {
        name: "groceries",
        adjectives: &[
            "Organic", "Fresh", "Roasted", "Wholegrain", "Crunchy", "Smoked", "Wild", "Sweet",
            "Spicy", "Raw", "Creamy", "Rustic",
        ],
        nouns: &[
            "Coffee", "Honey", "Almond Butter", "Pasta", "Olive Oil", "Granola", "Basmati Rice",
            "Peanut Butter", "Green Tea", "Dark Chocolate",
        ],
        materials: &[
            "small family farms", "sunny Mediterranean groves", "high mountain plantations",
            "certified organic fields", "local beekeepers", "traditional stone mills",
        ],
        features: &[
            "has a rich and balanced flavour", "keeps fresh for months in the pantry",
            "contains no artificial additives", "is naturally high in fibre",
            "comes in a resealable bag", "tastes great straight from the pack",
        ],
        purposes: &[
            "breakfast", "quick weeknight dinners", "home baking", "healthy snacks", "lunch boxes",
            "entertaining guests",
        ],
        tags: &["food", "pantry", "organic", "snack", "breakfast", "healthy", "vegan"],
        openings: &[
            "Our {name} brings {adj} flavour to your kitchen table.",
            "This {adj} {noun} is a pantry staple for {use}.",
            "Sourced from {material}, the {name} is full of natural taste.",
        ],
        sentences: &[
            "It {feature} and suits {use}.",
            "Every batch comes from {material} and is checked for quality.",
            "The {adj2} {noun} {feature2}.",
            "Store in a cool, dry place and enjoy within six weeks of opening.",
            "Great for {use}, or simply as a treat at any time of day.",
            "No artificial colours, flavours or preservatives are added.",
        ],
        price_dollars: (2, 25),
    },
    Category {
        name: "furniture",
        adjectives: &[
            "Modern", "Rustic", "Scandinavian", "Mid-Century", "Industrial", "Compact",
            "Upholstered", "Solid", "Minimalist", "Vintage",
        ],
        nouns: &[
            "Armchair", "Coffee Table", "Bookshelf", "Sofa", "Dining Chair", "Bed Frame", "Desk",
            "Sideboard", "Nightstand",
        ],
        materials: &[
            "solid oak", "walnut veneer", "powder-coated steel", "linen upholstery",
            "reclaimed pine", "soft boucle fabric",
        ],
        features: &[
            "assembles in under thirty minutes",
            "supports up to 150 kilograms",
            "has soft-close drawers",
            "resists scratches and stains",
            "comes with adjustable feet for uneven floors",
            "has rounded corners that are safe for children",
        ],
        purposes: &[
            "small apartments", "the living room", "home offices", "the bedroom", "dining spaces",
            "reading corners",
        ],
        tags: &["home", "furniture", "living-room", "decor", "wood", "storage"],
        openings: &[
            "The {name} brings {adj} style to {use}.",
            "Built from {material}, this {adj} {noun} is made to last for years.",
            "Our {name} combines clean lines with everyday comfort.",
        ],
        sentences: &[
            "The frame is made of {material} and {feature}.",
            "It {feature2}, so it works well in {use}.",
            "The {adj2} design pairs easily with your other furniture and decor.",
            "All hardware and clear assembly instructions are included in the box.",
            "Wipe clean with a damp cloth and avoid harsh chemicals.",
            "Every {noun} is inspected by hand before it leaves our workshop.",
        ],
        price_dollars: (49, 1200),
    },
    Category {
        name: "laptops",
        adjectives: &[
            "Ultra-Thin", "Lightweight", "Powerful", "Gaming", "Business", "Convertible",
            "Professional", "Compact", "Performance",
        ],
        nouns: &["Laptop", "Notebook", "Ultrabook", "Chromebook", "Workstation", "2-in-1 Laptop"],
        materials: &[
            "an aluminium unibody", "a magnesium alloy chassis", "a recycled aluminium shell",
            "a carbon fibre lid", "a reinforced polycarbonate case",
        ],
        features: &[
            "has a bright 14-inch display",
            "runs for up to 15 hours on one charge",
            "has 16 GB of memory and a fast SSD",
            "has a backlit keyboard and a precise trackpad",
            "charges over USB-C in about an hour",
            "stays quiet and cool under load",
        ],
        purposes: &[
            "students", "remote work", "video editing", "gaming", "business travel", "programming",
        ],
        tags: &["computer", "laptop", "electronics", "portable", "work", "gaming"],
        openings: &[
            "The {name} is a laptop built for {use}, from the keyboard to the screen.",
            "With {material}, this {adj} {noun} weighs little and feels solid.",
            "Meet the {name}: {adj} performance in a portable design.",
        ],
        sentences: &[
            "It {feature}, and it {feature2}.",
            "The {adj2} design uses {material} that stays cool to the touch.",
            "Wi-Fi 6, Bluetooth and two USB-C ports keep you connected.",
            "A great choice for {use}, at home or on the road.",
            "The {noun} ships with its operating system, ready to set up in minutes.",
            "A fingerprint reader lets you sign in securely in a second.",
        ],
        price_dollars: (299, 3200),
    },
    Category {
        name: "smartphones",
        adjectives: &[
            "Flagship", "Budget", "Foldable", "Rugged", "Compact", "Pro", "Slim", "Unlocked",
        ],
        nouns: &["Smartphone", "Phone", "Mobile Phone", "Camera Phone"],
        materials: &[
            "a glass back and an aluminium frame", "a matte recycled plastic back",
            "a titanium frame", "a water-resistant sealed body", "scratch-resistant glass",
        ],
        features: &[
            "has a triple camera with night mode", "has a 6.5-inch OLED display",
            "charges to 50 percent in 20 minutes", "lasts two days on a single charge",
            "has 256 GB of storage", "gets five years of software updates",
        ],
        purposes: &[
            "photography", "streaming video", "mobile gaming", "busy work days", "travel",
            "social media",
        ],
        tags: &["phone", "mobile", "electronics", "5g", "camera", "android"],
        openings: &[
            "The {name} is a phone designed for {use}.",
            "This {adj} {noun} pairs {material} with a fast, smooth screen.",
            "Meet the {name}: a phone that {feature}.",
        ],
        sentences: &[
            "It {feature}, and it {feature2}.",
            "Built with {material}, it survives everyday drops and splashes.",
            "Fast 5G, Wi-Fi 6 and dual SIM keep you connected anywhere.",
            "Ideal for {use}, with a screen that stays readable in bright sunlight.",
            "The {adj2} {noun} unlocks with your face or fingerprint in an instant.",
            "A charging cable and a clear case are included in the box.",
        ],
        price_dollars: (99, 1600),
    },
    Category {
        name: "sports",
        adjectives: &[
            "Breathable", "Lightweight", "Adjustable", "Durable", "Non-Slip", "Quick-Dry", "Padded",
            "Professional", "Foldable",
        ],
        nouns: &[
            "Yoga Mat", "Jump Rope", "Dumbbell Set", "Football", "Tennis Racket", "Foam Roller",
            "Cycling Helmet", "Gym Bag",
        ],
        materials: &[
            "natural rubber", "recycled polyester", "high-density foam", "carbon fibre",
            "ripstop nylon", "stainless steel",
        ],
        features: &[
            "grips firmly even when you sweat",
            "folds flat for easy storage",
            "absorbs impact to protect your joints",
            "dries quickly after every session",
            "is built to survive years of hard training",
            "weighs less than you would expect",
        ],
        purposes: &[
            "home workouts", "the gym", "trail running", "team training", "yoga classes",
            "weekend rides",
        ],
        tags: &["sports", "fitness", "training", "outdoor", "gym", "exercise"],
        openings: &[
            "The {name} is {adj} gear made for {use}.",
            "Train harder with this {adj} {noun}, built for {use}.",
            "Our {name} keeps you moving, session after session.",
        ],
        sentences: &[
            "Made from {material}, it {feature}.",
            "It {feature2}, so you can focus on your training.",
            "The {adj2} design suits beginners and athletes alike.",
            "Ideal for {use}, it packs easily into a sports bag.",
            "Every {noun} is tested by coaches before it reaches the shop.",
            "Rinse with cold water and let it dry in the shade.",
        ],
        price_dollars: (9, 260),
    },
    Category {
        name: "kitchen",
        adjectives: &[
            "Non-Stick", "Stainless", "Cast Iron", "Ceramic", "Professional", "Compact",
            "Heavy-Duty", "Electric", "Bamboo",
        ],
        nouns: &[
            "Frying Pan", "Saucepan", "Chef Knife", "Cutting Board", "Blender", "Kettle",
            "Mixing Bowl Set", "Toaster", "Dutch Oven",
        ],
        materials: &[
            "tri-ply stainless steel", "enamelled cast iron", "food-grade silicone",
            "sustainable bamboo", "tempered glass", "German carbon steel",
        ],
        features: &[
            "heats evenly on every hob, including induction",
            "is dishwasher safe",
            "has a comfortable stay-cool handle",
            "cleans up in seconds",
            "holds a sharp edge for months",
            "is free from PFAS and BPA",
        ],
        purposes: &[
            "everyday cooking", "weekend baking", "meal prep", "family dinners", "small kitchens",
            "entertaining friends",
        ],
        tags: &["kitchen", "cookware", "cooking", "home", "baking", "tools"],
        openings: &[
            "The {name} makes {use} easier and more enjoyable.",
            "Cook like a chef with this {adj} {noun} made from {material}.",
            "Our {name} is a kitchen essential for {use}.",
        ],
        sentences: &[
            "Made from {material}, it {feature}.",
            "It {feature2}, which makes it perfect for {use}.",
            "The {adj2} {noun} looks great on the counter between meals.",
            "Home cooks and professional chefs rely on it every day.",
            "Every {noun} comes with a ten-year warranty against defects.",
            "Hand wash with warm soapy water to keep it looking new.",
        ],
        price_dollars: (12, 340),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_catalog_and_different_seeds_differ() {
        let a = generate(300, 11).unwrap();
        let b = generate(300, 11).unwrap();
        assert_eq!(a.products(), b.products());
        let c = generate(300, 12).unwrap();
        let same = a
            .products()
            .iter()
            .zip(c.products())
            .filter(|(x, y)| x == y)
            .count();
        assert_eq!(same, 0, "seeds 11 and 12 gave {same} identical products");
    }

    #[test]
    fn a_larger_catalog_extends_a_smaller_one() {
        let small = generate(50, 3).unwrap();
        let large = generate(120, 3).unwrap();
        assert_eq!(small.products(), &large.products()[..50]);
    }

    #[test]
    fn descriptions_are_150_to_250_bytes() {
        for seed in 0..4 {
            let catalog = generate(2_000, seed).unwrap();
            for product in catalog.products() {
                let bytes = product.description.len();
                assert!(
                    (MIN_DESCRIPTION..=MAX_DESCRIPTION).contains(&bytes),
                    "{}: {bytes} bytes: {:?}",
                    product.id,
                    product.description
                );
            }
        }
    }

    #[test]
    fn identifiers_are_unique_slugs_ending_in_the_index() {
        let catalog = generate(1_000, 5).unwrap();
        let mut ids: Vec<&str> = catalog.products().iter().map(|p| p.id.as_str()).collect();
        for (index, id) in ids.iter().enumerate() {
            assert!(id.ends_with(&format!("-{index}")), "{id}");
            let slug_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
            assert!(id.chars().all(slug_chars) && !id.contains("--"), "{id}");
            let category = catalog.product(index).category.as_deref().unwrap();
            assert!(id.starts_with(&format!("{category}-")), "{id}");
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), catalog.len());
    }

    #[test]
    fn products_have_a_category_tags_and_a_two_decimal_price() {
        let catalog = generate(1_000, 9).unwrap();
        let mut categories: Vec<&str> = Vec::new();
        for product in catalog.products() {
            let category = product.category.as_deref().unwrap();
            if !categories.contains(&category) {
                categories.push(category);
            }
            assert!((2..=4).contains(&product.tags.len()), "{:?}", product.tags);
            let mut tags = product.tags.clone();
            tags.sort();
            tags.dedup();
            assert_eq!(
                tags.len(),
                product.tags.len(),
                "repeated tag in {:?}",
                product.tags
            );
            let price = product.price.unwrap();
            let cents = price * 100.0;
            assert!(
                price > 0.0 && (cents - cents.round()).abs() < 1e-6,
                "{price}"
            );
            assert!(
                !product.description.contains('{'),
                "{}",
                product.description
            );
        }
        assert_eq!(categories.len(), CATEGORIES.len());
    }

    #[test]
    fn vocabulary_is_ascii_and_fits_the_buffers() {
        for category in &CATEGORIES {
            let lists = [
                category.adjectives,
                category.nouns,
                category.materials,
                category.features,
                category.purposes,
                category.tags,
                category.openings,
                category.sentences,
            ];
            for text in lists.iter().flat_map(|list| list.iter()) {
                assert!(text.is_ascii(), "{text}");
            }
            assert!(
                category.sentences.len() <= MAX_SENTENCES,
                "{}",
                category.name
            );
            // Three distinct extra tags even when one of the pool equals the noun tag.
            assert!(category.tags.len() <= MAX_TAGS && category.tags.len() >= 4);
            assert!(category.adjectives.len() >= 2 && category.features.len() >= 2);
            assert!(category.price_dollars.0 < category.price_dollars.1);
        }
        assert!(FILLERS.iter().all(|filler| filler.len() < 100));
    }

    #[test]
    fn same_category_descriptions_share_more_words_than_different_ones() {
        use crate::tokens::word_set;
        let catalog = generate(400, 21).unwrap();
        let products = catalog.products();
        let jaccard = |a: &str, b: &str| {
            let (a, b) = (word_set(a), word_set(b));
            let shared = a.iter().filter(|w| b.contains(w)).count();
            shared as f64 / (a.len() + b.len() - shared) as f64
        };
        let (mut same, mut same_n, mut other, mut other_n) = (0.0, 0, 0.0, 0);
        for i in 0..100 {
            for j in (i + 1)..100 {
                let score = jaccard(&products[i].description, &products[j].description);
                if products[i].category == products[j].category {
                    same += score;
                    same_n += 1;
                } else {
                    other += score;
                    other_n += 1;
                }
            }
        }
        let (same, other) = (same / same_n as f64, other / other_n as f64);
        assert!(
            same > 2.0 * other,
            "same category {same:.3}, different {other:.3}"
        );
    }

    #[test]
    fn no_a_before_a_vowel() {
        let catalog = generate(2_000, 13).unwrap();
        for product in catalog.products() {
            let words: Vec<&str> = product.description.split(' ').collect();
            for pair in words.windows(2) {
                let vowel = pair[1].starts_with(['a', 'e', 'i', 'o', 'u']);
                assert!(
                    !(pair[0].eq_ignore_ascii_case("a") && vowel),
                    "{}",
                    product.description
                );
            }
        }
    }

    #[test]
    fn rejects_zero_and_too_many() {
        assert_eq!(generate(0, 1).unwrap_err(), CatalogError::Empty);
        assert_eq!(
            generate(MAX_PRODUCTS + 1, 1).unwrap_err(),
            CatalogError::TooManyProducts {
                count: MAX_PRODUCTS + 1,
                limit: MAX_PRODUCTS
            }
        );
    }

    #[test]
    fn slugs_and_decimals_are_written_like_the_formatter_would() {
        let mut out = String::new();
        push_slug(&mut out, "2-in-1 Laptop  (Pro)!");
        assert_eq!(out, "2-in-1-laptop-pro");
        for value in [0, 7, 10, 1_000_000, u64::MAX] {
            let mut out = String::new();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string());
        }
    }
}
