//! The generator's vocabulary: for each of the 8 categories, the words and sentence
//! templates its products are written from, and the fillers that top up a short
//! description. Data only; `generate.rs` draws from it.

/// Most sentence templates a category may have (the size of the shuffle buffer).
pub(super) const MAX_SENTENCES: usize = 8;
/// Most tags in a category's pool.
pub(super) const MAX_TAGS: usize = 8;

/// One category's vocabulary and templates. All text is ASCII.
pub(super) struct Category {
    pub(super) name: &'static str,
    /// Title case, for names; lowercased in sentences.
    pub(super) adjectives: &'static [&'static str],
    /// Title case, for names; lowercased in sentences.
    pub(super) nouns: &'static [&'static str],
    /// Lowercase noun phrases: what the product is made of, or where it comes from.
    pub(super) materials: &'static [&'static str],
    /// Lowercase verb phrases in the third person: "it {feature}".
    pub(super) features: &'static [&'static str],
    /// Lowercase noun phrases: "ideal for {use}".
    pub(super) purposes: &'static [&'static str],
    /// At most [`MAX_TAGS`].
    pub(super) tags: &'static [&'static str],
    /// One of these starts every description.
    pub(super) openings: &'static [&'static str],
    /// At most [`MAX_SENTENCES`], in any order after the opening.
    pub(super) sentences: &'static [&'static str],
    /// Whole-dollar price range, `low..high`.
    pub(super) price_dollars: (u64, u64),
}

/// Generic closing sentences, each under 100 bytes, used only to reach the minimum length.
pub(super) const FILLERS: &[&str] = &[
    "Ships in recyclable packaging.",
    "Free returns within thirty days.",
    "Backed by our satisfaction guarantee.",
    "Customers rate it highly for value.",
];

// A data table: rustfmt would put every word on its own line.
#[rustfmt::skip]
pub(super) const CATEGORIES: [Category; 8] = [
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
