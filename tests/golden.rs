#![cfg(not(target_arch = "wasm32"))]
//! A small fixed catalog whose top-3s are worked out by hand from its content.
//!
//! Three categories: four beauty products, two tools, two kitchen items. Products of
//! different categories share no word at all, in the description or in the attributes
//! (name, tags, category), so every cross-category score is exactly 0 and such products
//! can only appear after the same-category ones, ordered by identifier.

use shop_recs::{Catalog, Product, Query, Recommendation, recommend_parallel, recommend_serial};

fn product(id: &str, name: &str, category: &str, tags: &[&str], description: &str) -> Product {
    Product {
        category: Some(category.to_string()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Product::new(id, name, description)
    }
}

fn catalog() -> Catalog {
    Catalog::from_products(vec![
        product(
            "red-lipstick",
            "Red Lipstick",
            "beauty",
            &["makeup", "lips"],
            "Matte red lipstick, long-lasting color for lips.",
        ),
        product(
            "claw-hammer",
            "Claw Hammer",
            "tools",
            &["hand tool"],
            "Steel claw hammer, rubber grip.",
        ),
        product(
            "red-nail-polish",
            "Red Nail Polish",
            "beauty",
            &["makeup", "nails"],
            "Glossy red nail polish, long-lasting color for nails.",
        ),
        product(
            "frying-pan",
            "Frying Pan",
            "kitchen",
            &["cookware"],
            "Nonstick frying pan, aluminium base.",
        ),
        product(
            "black-mascara",
            "Black Mascara",
            "beauty",
            &["makeup", "eyes"],
            "Black mascara for long lashes.",
        ),
        product(
            "adjustable-wrench",
            "Adjustable Wrench",
            "tools",
            &["hand tool"],
            "Steel adjustable wrench, chrome finish.",
        ),
        product(
            "eyeshadow-palette",
            "Eyeshadow Palette",
            "beauty",
            &["makeup", "eyes"],
            "Shimmer eyeshadow palette, twelve colors.",
        ),
        product(
            "electric-kettle",
            "Electric Kettle",
            "kitchen",
            &["appliance"],
            "Electric kettle, fast boil.",
        ),
    ])
    .expect("a valid catalog")
}

fn top3(target: &str) -> Vec<Recommendation> {
    let catalog = catalog();
    let query = Query {
        top: 3,
        ..Query::new(target)
    };
    let serial = recommend_serial(&catalog, &query).expect("a known target");
    assert_eq!(
        serial,
        recommend_parallel(&catalog, &query).expect("a known target")
    );
    serial
}

fn ids(recommendations: &[Recommendation]) -> Vec<&str> {
    recommendations.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn lipstick_recommends_the_other_beauty_products() {
    // Attributes of the lipstick: {red, lipstick, makeup, lips, beauty}.
    // - nail polish {red, nail, polish, makeup, nails, beauty}: 3 shared of 8 = 0.375;
    //   description shares {red, long, lasting, color, for}: Jaccard 5/12.
    // - mascara {black, mascara, makeup, eyes, beauty}: 2 of 8 = 0.25;
    //   description shares {for, long}: Jaccard 2/11.
    // - eyeshadow {eyeshadow, palette, makeup, eyes, beauty}: 2 of 8 = 0.25;
    //   description shares nothing ("colors" is not "color"): text 0.
    let best = top3("red-lipstick");
    assert_eq!(
        ids(&best),
        ["red-nail-polish", "black-mascara", "eyeshadow-palette"]
    );
    assert!(best.iter().all(|r| r.category.as_deref() == Some("beauty")));
    assert_eq!(best[0].attribute, 3.0 / 8.0);
    assert_eq!(best[1].attribute, 2.0 / 8.0);
    assert_eq!(best[2].attribute, 2.0 / 8.0);
    assert_eq!(best[2].text, 0.0);
    // MinHash estimates the word-set Jaccard; 1500 iterations put it within a few hundredths.
    assert!((best[0].text - 5.0 / 12.0).abs() < 0.06, "{}", best[0].text);
    assert!((best[1].text - 2.0 / 11.0).abs() < 0.06, "{}", best[1].text);
    assert_eq!(best.iter().map(|r| r.rank).collect::<Vec<_>>(), [1, 2, 3]);
}

#[test]
fn nail_polish_recommends_the_lipstick_first() {
    let best = top3("red-nail-polish");
    assert_eq!(best[0].id, "red-lipstick");
    assert!(best.iter().all(|r| r.category.as_deref() == Some("beauty")));
}

#[test]
fn hammer_recommends_the_wrench_then_ties_by_identifier() {
    // Wrench: attributes {adjustable, wrench, hand, tool, tools} share {hand, tool, tools}
    // with the hammer's {claw, hammer, hand, tool, tools}: 3/7; descriptions share "steel".
    // Everything else shares nothing and scores exactly 0, so identifier order decides.
    let best = top3("claw-hammer");
    assert_eq!(
        ids(&best),
        ["adjustable-wrench", "black-mascara", "electric-kettle"]
    );
    assert_eq!(best[0].attribute, 3.0 / 7.0);
    assert!(best[0].text > 0.0);
    assert_eq!((best[1].score, best[2].score), (0.0, 0.0));
}

#[test]
fn kettle_recommends_the_pan() {
    // Only the category word "kitchen" is shared: 1 of 7 attribute words; no description word.
    let best = top3("electric-kettle");
    assert_eq!(
        ids(&best),
        ["frying-pan", "adjustable-wrench", "black-mascara"]
    );
    assert_eq!(best[0].attribute, 1.0 / 7.0);
    assert_eq!(best[0].text, 0.0);
}
