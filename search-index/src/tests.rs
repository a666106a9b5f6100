//! The index as a user meets it: Spanish queries over a few documents.

use crate::*;

fn doc(id: &str, kind: Kind, title: &str, body: &str, facets: &[(Dimension, &str)], date: i64) -> Document {
    Document {
        key: Document::key_for(kind, id),
        kind,
        title: title.into(),
        summary: String::new(),
        body: body.into(),
        facets: facets.iter().map(|(d, v)| (*d, (*v).to_owned())).collect(),
        date,
    }
}

fn corpus() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let docs = vec![
        doc(
            "catastro",
            Kind::Knowledge,
            "Guía de actualización catastral multipropósito",
            "El municipio contrata la actualización del catastro con un gestor habilitado.",
            &[(Dimension::Type, "guía"), (Dimension::Topic, "catastro"), (Dimension::Year, "2024")],
            300,
        ),
        doc(
            "acueducto",
            Kind::Knowledge,
            "Cobertura de acueducto rural en Nariño",
            "Los acueductos veredales atienden a la población rural dispersa del departamento.",
            &[
                (Dimension::Type, "estudio"),
                (Dimension::Topic, "agua potable y saneamiento"),
                (Dimension::Department, "52"),
            ],
            200,
        ),
        doc(
            "plan",
            Kind::Knowledge,
            "Formulación del plan de desarrollo",
            "La alcaldía formula el plan de desarrollo en los primeros meses del gobierno.",
            &[(Dimension::Type, "guía"), (Dimension::Topic, "planeación"), (Dimension::Year, "2024")],
            100,
        ),
        doc(
            "fut",
            Kind::Requirement,
            "Formulario único territorial",
            "Información presupuestal que reporta cada municipio a la Contaduría.",
            &[(Dimension::Organisation, "CGN")],
            50,
        ),
        doc(
            "desarrollo-plan",
            Kind::Knowledge,
            "Lecciones de un desarrollo sin plan",
            "Cuando el desarrollo urbano no sigue un plan, el riesgo crece.",
            &[(Dimension::Type, "lección aprendida")],
            10,
        ),
    ];
    index.apply(docs.into_iter().map(Change::Upsert), 5).expect("indexed");
    index
}

fn keys(index: &SearchIndex, text: &str) -> Vec<String> {
    let request = SearchRequest { text: text.into(), limit: 10, ..SearchRequest::default() };
    index.search(&request).expect("search").hits.into_iter().map(|h| h.key).collect()
}

#[test]
fn accents_plurals_and_case_do_not_matter() {
    let index = corpus();
    assert_eq!(keys(&index, "ACTUALIZACION CATASTRAL")[0], "conocimiento:catastro");
    assert_eq!(keys(&index, "acueductos")[0], "conocimiento:acueducto");
    assert_eq!(keys(&index, "acueducto")[0], "conocimiento:acueducto");
}

#[test]
fn a_typo_in_a_long_word_is_forgiven() {
    let index = corpus();
    assert_eq!(keys(&index, "catasrto")[..1], ["conocimiento:catastro"]);
    assert_eq!(keys(&index, "multiproposito")[..1], ["conocimiento:catastro"]);
    assert!(keys(&index, "plam").is_empty(), "short words must be exact");
}

#[test]
fn quotes_ask_for_the_phrase() {
    let index = corpus();
    assert_eq!(keys(&index, "\"plan de desarrollo\""), ["conocimiento:plan"]);
    let loose = keys(&index, "plan desarrollo");
    assert!(loose.contains(&"conocimiento:desarrollo-plan".to_owned()));
    // An unclosed quote is plain words, not an error.
    assert!(keys(&index, "\"plan de desarrollo").len() >= 2);
}

#[test]
fn administration_synonyms_reach_texts_that_use_the_other_word() {
    let index = corpus();
    let found = keys(&index, "alcaldía contaduría");
    assert_eq!(found[0], "requerimiento:fut", "municipio ~ alcaldía: {found:?}");
    assert_eq!(keys(&index, "agua potable")[0], "conocimiento:acueducto");
    assert_eq!(keys(&index, "FUT"), ["requerimiento:fut"]);
}

#[test]
fn titles_weigh_more_than_bodies() {
    let index = corpus();
    let found = keys(&index, "plan");
    assert_eq!(found[0], "conocimiento:plan", "{found:?}");
}

#[test]
fn snippets_mark_the_words_found_and_escape_the_rest() {
    let index = SearchIndex::in_memory().expect("index");
    let d = doc("x", Kind::Knowledge, "Riesgo", "Mapa de <riesgo> & amenazas del municipio", &[], 1);
    index.apply([Change::Upsert(d)], 1).expect("indexed");
    let page =
        index.search(&SearchRequest { text: "amenaza".into(), limit: 5, ..Default::default() }).expect("ok");
    let snippet = &page.hits[0].snippet;
    assert!(snippet.contains("<mark>amenazas</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;riesgo&gt;"), "{snippet}");
}

/// Documents about the municipal administration, written three ways.
fn administration() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let docs = [
        doc("joined", Kind::Knowledge, "Informe", "Informe de la administración municipal de Mitú", &[], 3),
        doc("apart", Kind::Knowledge, "Informe", "La administración del acueducto municipal de Mitú", &[], 2),
        doc("other", Kind::Knowledge, "Informe", "Informe del acueducto de Mitú", &[], 1),
    ];
    index.apply(docs.into_iter().map(Change::Upsert), 1).expect("indexed");
    index
}

#[test]
fn a_multi_word_synonym_is_found_by_the_other_words_only_where_its_words_follow() {
    let index = administration();
    assert_eq!(keys(&index, "municipio"), ["conocimiento:joined"]);
    assert_eq!(keys(&index, "alcaldía"), ["conocimiento:joined"]);
    assert_eq!(keys(&index, "alcaldía de Mitú")[0], "conocimiento:joined");
    assert_eq!(keys(&index, "\"administración municipal\""), ["conocimiento:joined"]);
    // As words, both documents have them.
    assert_eq!(keys(&index, "\"administración\" \"municipal\"").len(), 2);
    // A phrase that is no synonym is still a phrase.
    assert_eq!(keys(&index, "\"acueducto municipal\""), ["conocimiento:apart"]);
    assert_eq!(keys(&index, "\"municipal acueducto\""), Vec::<String>::new());
}

#[test]
fn snippets_mark_a_synonym_expression_whole_and_its_words_alone() {
    let index = administration();
    let snippet = |text: &str, key: &str| {
        let request = SearchRequest { text: text.into(), limit: 5, ..Default::default() };
        let page = index.search(&request).expect("ok");
        page.hits.into_iter().find(|h| h.key == key).map(|h| h.snippet).expect("found")
    };
    let joined = "conocimiento:joined";
    let found = snippet("municipio", joined);
    assert!(found.contains("la <mark>administración municipal</mark> de Mitú"), "{found}");
    let word = snippet("\"administración\"", joined);
    assert!(word.contains("la <mark>administración</mark> municipal de"), "{word}");
    // The expression and one of its words both asked for: one mark, not nested.
    let both = snippet("\"administración municipal\" \"municipal\"", joined);
    assert!(both.contains("la <mark>administración municipal</mark> de"), "{both}");
    assert_eq!(both.matches("<mark>").count(), both.matches("</mark>").count(), "{both}");
    let apart = snippet("\"administración\" \"municipal\"", "conocimiento:apart");
    assert!(apart.contains("<mark>administración</mark> del acueducto <mark>municipal</mark>"), "{apart}");
}

#[test]
fn filters_and_facets_count_the_matches() {
    let index = corpus();
    let request = SearchRequest { limit: 10, facets: true, ..Default::default() };
    let page = index.search(&request).expect("ok");
    assert_eq!(page.total, 5);
    let types = page.facets.iter().find(|f| f.dimension == Dimension::Type).expect("type facet");
    assert_eq!(types.values[0], ("guía".to_owned(), 2));

    let guides = SearchRequest { filters: vec![(Dimension::Type, "guía".into())], ..request.clone() };
    assert_eq!(index.search(&guides).expect("ok").total, 2);
    let either = SearchRequest {
        filters: vec![(Dimension::Type, "guía".into()), (Dimension::Type, "estudio".into())],
        ..request.clone()
    };
    assert_eq!(index.search(&either).expect("ok").total, 3);
    let both = SearchRequest {
        filters: vec![(Dimension::Type, "guía".into()), (Dimension::Topic, "catastro".into())],
        ..request.clone()
    };
    assert_eq!(index.search(&both).expect("ok").total, 1);
    let requirements = SearchRequest { kinds: vec![Kind::Requirement], ..request };
    assert_eq!(index.search(&requirements).expect("ok").total, 1);
}

#[test]
fn an_empty_query_lists_by_recency() {
    let index = corpus();
    let found = keys(&index, "   ");
    assert_eq!(found.first().map(String::as_str), Some("conocimiento:catastro"));
    assert_eq!(found.last().map(String::as_str), Some("conocimiento:desarrollo-plan"));
}

fn walk(index: &SearchIndex, text: &str, page_size: usize) -> Vec<String> {
    walk_pages(index, SearchRequest { text: text.into(), limit: page_size, ..Default::default() })
}

/// Every page of `request`, from its first, `request.limit` hits at a time.
fn walk_pages(index: &SearchIndex, mut request: SearchRequest) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let page = index.search(&request).expect("ok");
        seen.extend(page.hits.iter().map(|h| h.key.clone()));
        if !page.has_next {
            return seen;
        }
        request.after = page.hits.last().map(|h| h.cursor);
    }
}

#[test]
fn cursor_pages_neither_repeat_nor_skip() {
    let index = SearchIndex::in_memory().expect("index");
    // Equal scores everywhere: only the stable order separates them.
    let docs =
        (0..25).map(|i| doc(&i.to_string(), Kind::Knowledge, "Informe municipal", "texto", &[], i % 3));
    index.apply(docs.map(Change::Upsert), 1).expect("indexed");
    for text in ["informe", ""] {
        let all = walk(&index, text, 100);
        assert_eq!(all.len(), 25);
        assert_eq!(walk(&index, text, 4), all, "query «{text}»");
    }
}

#[test]
fn the_first_page_agrees_with_the_pages_that_follow() {
    let index = SearchIndex::in_memory().expect("index");
    // Five score levels of eight documents each: ties within, order across.
    let docs = (0..40).map(|i| {
        let body = "informe ".repeat(i % 5 + 1) + "de la alcaldía";
        doc(&i.to_string(), Kind::Knowledge, "Documento", &body, &[], 0)
    });
    index.apply(docs.map(Change::Upsert), 1).expect("indexed");
    let all = walk(&index, "informe", 100);
    assert_eq!(all.len(), 40);
    for size in [1, 3, 8, 9, 10] {
        assert_eq!(walk(&index, "informe", size), all, "pages of {size}");
    }
}

#[test]
fn pages_continue_past_the_candidates_the_weights_rank() {
    let mut index = SearchIndex::in_memory().expect("index");
    // Scores of many levels and ties, in the title or the body.
    let docs = (0..60).map(|i| {
        let title = if i % 7 == 0 { "Informe municipal" } else { "Documento" };
        let body = "informe ".repeat(i % 5 + 1) + &"relleno ".repeat(i % 11) + "de la alcaldía";
        doc(&i.to_string(), Kind::Knowledge, title, &body, &[], 0)
    });
    index.apply(docs.map(Change::Upsert), 1).expect("indexed");
    let all = walk(&index, "informe", 100);
    assert_eq!(all.len(), 60);
    let request = SearchRequest { text: "informe".into(), limit: 100, ..Default::default() };
    let ranked = index.search(&request).expect("ok").hits;
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    let titled = |key: &str| {
        key.strip_prefix("conocimiento:").and_then(|i| i.parse::<usize>().ok()).is_some_and(|i| i % 7 == 0)
    };
    assert!(ranked[..9].iter().all(|h| titled(&h.key)), "titles first");
    for candidates in [1, 5, 12] {
        index.candidates = candidates;
        let walked = walk(&index, "informe", 100);
        let mut sorted = walked.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 60, "every match once with {candidates} candidates");
        for size in [1, 4, 10] {
            assert_eq!(walk(&index, "informe", size), walked, "pages of {size}, {candidates} candidates");
        }
    }
}

/// Every page of a filtered search, `page_size` hits at a time.
fn walk_filtered(
    index: &SearchIndex,
    text: &str,
    filter: &(Dimension, &str),
    page_size: usize,
) -> Vec<String> {
    let request = SearchRequest {
        text: text.into(),
        filters: vec![(filter.0, filter.1.into())],
        limit: page_size,
        ..Default::default()
    };
    walk_pages(index, request)
}

#[test]
fn filtered_pages_hold_every_filtered_match_once_whether_the_filter_is_narrow_or_broad() {
    let mut index = SearchIndex::in_memory().expect("index");
    // A department on 1 document in 40 (read as an intersection) and a topic
    // on 1 in 2 (checked match by match); «municipio» is a synonym unit.
    let municipal = |i: usize| i.is_multiple_of(7) || i % 3 != 2;
    let docs = (0..400).map(|i| {
        let title = if i % 7 == 0 { "Informe de la alcaldía" } else { "Documento" };
        let tail = ["del municipio", "de la alcaldía", "sin más"][i % 3];
        let body = "informe ".repeat(i % 5 + 1) + &"relleno ".repeat(i % 11) + tail;
        let department = if i % 40 == 0 { "27" } else { "52" };
        let topic = if i % 2 == 0 { "vivienda" } else { "salud" };
        doc(
            &i.to_string(),
            Kind::Knowledge,
            title,
            &body,
            &[(Dimension::Department, department), (Dimension::Topic, topic)],
            0,
        )
    });
    index.apply(docs.map(Change::Upsert), 1).expect("indexed");
    // Each filter with the share of the documents it keeps: one in `every`.
    let cases = [
        ("informe", (Dimension::Department, "27"), 40),
        ("informe", (Dimension::Topic, "vivienda"), 2),
        ("municipio", (Dimension::Department, "27"), 40),
        ("municipio", (Dimension::Topic, "vivienda"), 2),
    ];
    for (text, filter, every) in cases {
        let passes = |i: usize| i.is_multiple_of(every);
        let mut expected: Vec<String> = (0..400)
            .filter(|&i| passes(i) && (text == "informe" || municipal(i)))
            .map(|i| format!("conocimiento:{i}"))
            .collect();
        expected.sort();
        let request = SearchRequest {
            text: text.into(),
            filters: vec![(filter.0, filter.1.into())],
            limit: 10,
            facets: true,
            ..Default::default()
        };
        let page = index.search(&request).expect("ok");
        assert_eq!(page.total, expected.len(), "«{text}» {filter:?}");
        let counted = page.facets.iter().find(|f| f.dimension == filter.0).expect("facet").values.clone();
        assert_eq!(counted, [(filter.1.to_owned(), expected.len() as u64)], "«{text}» {filter:?}");
        for candidates in [2, 7, 1_000] {
            index.candidates = candidates;
            let walked = walk_filtered(&index, text, &filter, 100);
            let mut sorted = walked.clone();
            sorted.sort();
            assert_eq!(sorted, expected, "«{text}» {filter:?}, {candidates} candidates");
            for size in [1, 3, 10] {
                assert_eq!(
                    walk_filtered(&index, text, &filter, size),
                    walked,
                    "«{text}» {filter:?}, pages of {size}, {candidates} candidates"
                );
            }
        }
        index.candidates = crate::index::CANDIDATES;
    }
}

#[test]
fn facets_of_a_broad_query_are_estimated_from_a_sample() {
    let mut index = SearchIndex::in_memory().expect("index");
    let docs = (0..4_000).map(|i| {
        let department = if i % 4 == 0 { "05" } else { "52" };
        doc(
            &i.to_string(),
            Kind::Knowledge,
            "Informe municipal",
            "texto",
            &[(Dimension::Department, department)],
            0,
        )
    });
    index.apply(docs.map(Change::Upsert), 1).expect("indexed");
    let request = SearchRequest { text: "informe".into(), limit: 5, facets: true, ..Default::default() };
    let exact = index.search(&request).expect("ok");
    assert!(!exact.facets_approximate);
    let departments = |page: &SearchPage| {
        page.facets.iter().find(|f| f.dimension == Dimension::Department).expect("facet").values.clone()
    };
    assert_eq!(departments(&exact), [("52".to_owned(), 3_000), ("05".to_owned(), 1_000)]);

    index.facet_sampling = crate::facets::FacetSampling { exact_up_to: 1_500, sample: 1_000 };
    let sampled = index.search(&request).expect("ok");
    assert!(sampled.facets_approximate);
    assert_eq!(sampled.total, 4_000, "the total stays exact");
    // About 1,000 matches sampled, 250 of them in «05»: a 25 % margin is several
    // standard deviations, whatever segments the indexing threads made.
    let estimated = departments(&sampled);
    assert_eq!(estimated.len(), 2);
    for ((value, count), (_, truth)) in estimated.iter().zip(departments(&exact)) {
        assert!(count.abs_diff(truth) <= truth / 4, "{value}: {count} for {truth}");
    }
    let filtered = SearchRequest { filters: vec![(Dimension::Department, "05".into())], ..request };
    assert!(!index.search(&filtered).expect("ok").facets_approximate, "a narrow filter counts exactly");
}

#[test]
fn a_small_segment_unlike_the_others_weighs_by_its_own_matches_in_the_estimate() {
    // Two commits make (at least) two segments: a large one of «52» and a
    // small one of «05». Sampled by one scale for all, the small segment —
    // read whole — would count as much as the large one's sample.
    let mut index = SearchIndex::in_memory().expect("index");
    let docs = |range: std::ops::Range<u32>, department: &str| {
        range
            .map(|i| {
                doc(
                    &i.to_string(),
                    Kind::Knowledge,
                    "Informe municipal",
                    "texto",
                    &[(Dimension::Department, department)],
                    0,
                )
            })
            .map(Change::Upsert)
            .collect::<Vec<_>>()
    };
    index.apply(docs(0..3_000, "52"), 1).expect("indexed");
    index.apply(docs(3_000..3_300, "05"), 2).expect("indexed");
    index.facet_sampling = crate::facets::FacetSampling { exact_up_to: 1_000, sample: 500 };
    let request = SearchRequest { text: "informe".into(), limit: 5, facets: true, ..Default::default() };
    let sampled = index.search(&request).expect("ok");
    assert!(sampled.facets_approximate);
    let departments =
        sampled.facets.iter().find(|f| f.dimension == Dimension::Department).expect("facet").values.clone();
    assert_eq!(departments, [("52".to_owned(), 3_000), ("05".to_owned(), 300)]);
}

#[test]
fn upserts_replace_and_deletes_remove() {
    let index = corpus();
    let mut changed = doc("plan", Kind::Knowledge, "Presupuesto participativo", "otro texto", &[], 1);
    index.apply([Change::Upsert(changed.clone())], 6).expect("ok");
    assert!(keys(&index, "\"plan de desarrollo\"").is_empty());
    assert_eq!(keys(&index, "presupuesto participativo"), ["conocimiento:plan"]);
    changed.title = "Otro".into();
    assert!(index.contains(&changed.key));
    index.apply([Change::Delete { key: changed.key.clone() }], 7).expect("ok");
    assert!(!index.contains(&changed.key), "deleted documents are not contained");
    assert!(keys(&index, "presupuesto participativo").is_empty());
    assert_eq!(index.num_docs(), 4);
    assert_eq!(index.cursor(), Some(7));
}

#[test]
fn an_over_long_query_is_refused_and_odd_ones_are_not() {
    let index = corpus();
    let long = SearchRequest { text: "agua ".repeat(120), limit: 5, ..Default::default() };
    assert!(matches!(index.search(&long), Err(SearchError::QueryTooLong { max: 512 })));
    for odd in ["((", "\"", "AND OR NOT", "-", "*:*", "catastro)"] {
        assert!(index.search(&SearchRequest { text: odd.into(), limit: 5, ..Default::default() }).is_ok());
    }
}

#[test]
fn a_directory_index_reopens_and_damaged_or_old_ones_start_empty() {
    let dir = std::env::temp_dir().join(format!("sugit-index-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let (index, opened) = SearchIndex::open(&dir).expect("created");
        assert!(matches!(opened, Opened::Empty { .. }));
        let d = doc("a", Kind::Knowledge, "Catastro", "texto", &[], 1);
        index.apply([Change::Upsert(d)], 42).expect("ok");
    }
    {
        let (index, opened) = SearchIndex::open(&dir).expect("reopened");
        assert_eq!(opened, Opened::Current { cursor: 42 });
        assert_eq!(keys(&index, "catastro"), ["conocimiento:a"]);
    }
    // A folder another instance holds is refused and left alone.
    {
        let (holder, _) = SearchIndex::open(&dir).expect("first instance");
        assert!(matches!(SearchIndex::open(&dir), Err(SearchError::InUse { .. })));
        assert_eq!(keys(&holder, "catastro"), ["conocimiento:a"], "the holder's index is intact");
    }
    // An older version's payload: rebuilt.
    let meta = dir.join("meta.json");
    let text = std::fs::read_to_string(&meta).expect("meta");
    std::fs::write(&meta, text.replace(&format!("sugit-index v{INDEX_VERSION} "), "sugit-index v0 "))
        .expect("w");
    let (index, opened) = SearchIndex::open(&dir).expect("reopened");
    assert!(matches!(opened, Opened::Empty { ref reason } if reason.contains("versión")), "{opened:?}");
    assert_eq!(index.num_docs(), 0);
    drop(index);
    // Garbage where the metadata should be: rebuilt, not a crash.
    std::fs::write(&meta, "{ no es json").expect("w");
    let (_, opened) = SearchIndex::open(&dir).expect("reopened");
    assert!(matches!(opened, Opened::Empty { .. }));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_synonym_expression_stretched_over_a_long_span_is_not_joined() {
    let index = SearchIndex::in_memory().expect("index");
    let body = format!("Informe de la administración {} municipal de Mitú", "-".repeat(300));
    let d = doc("long", Kind::Knowledge, "Informe", &body, &[], 1);
    index.apply([Change::Upsert(d)], 1).expect("indexed");
    assert!(keys(&index, "municipio").is_empty());
    let request = SearchRequest { text: "\"administración\"".into(), limit: 5, ..Default::default() };
    let page = index.search(&request).expect("ok");
    assert!(page.hits[0].snippet.contains("<mark>administración</mark>"), "{}", page.hits[0].snippet);
}
