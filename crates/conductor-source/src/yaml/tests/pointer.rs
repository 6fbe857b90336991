//! JSON pointer lookup.

use super::{parse_checked, show};

/// Looks `pointer` up in the first document of `text`: the node's text and the key's text.
#[track_caller]
fn check(text: &str, pointer: &str, expected: Option<(&str, Option<&str>)>) {
    let parsed = parse_checked(text);
    let document = &parsed.documents[0];
    let found = document.lookup(pointer).map(|located| {
        (
            text[located.node.span.clone()].to_owned(),
            located.key_span.map(|span| text[span].to_owned()),
        )
    });
    let expected = expected.map(|(node, key)| (node.to_owned(), key.map(str::to_owned)));
    assert_eq!(found, expected, "lookup of {pointer:?}");
    // The segment form agrees.
    if let Some(rest) = pointer.strip_prefix('/') {
        let segments: Vec<String> = rest
            .split('/')
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
            .collect();
        let by_segments = document
            .lookup_segments(&segments)
            .map(|located| located.node.span.clone());
        if expected.is_some() {
            assert_eq!(
                by_segments,
                document.lookup(pointer).map(|l| l.node.span.clone())
            );
        }
    }
}

const TEXT: &str = "\
tasks:
  - name: fetch
    http:
      uri: \"http://x\"
  - name: second
a/b: slash
m~n: tilde
'': empty key
list: [10, 20]
";

#[test]
fn lookups() {
    check(TEXT, "", Some((TEXT.trim_end(), None)));
    check(
        TEXT,
        "/tasks/0/http/uri",
        Some(("\"http://x\"", Some("uri"))),
    );
    check(TEXT, "/tasks/1/name", Some(("second", Some("name"))));
    check(TEXT, "/tasks/1", Some(("name: second", None)));
    check(TEXT, "/a~1b", Some(("slash", Some("a/b"))));
    check(TEXT, "/m~0n", Some(("tilde", Some("m~n"))));
    check(TEXT, "/", Some(("empty key", Some("''"))));
    check(TEXT, "/list/1", Some(("20", None)));
}

#[test]
fn bad_pointers_are_none() {
    for pointer in [
        "tasks",
        "/tasks/2",
        "/tasks/-",
        "/tasks/01",
        "/tasks/+1",
        "/tasks/x",
        "/tasks/0/name/x",
        "/nope",
        "/m~2n",
        "/m~",
        "/list/99999999999999999999999",
        "/tasks//",
        "/list/1/0",
    ] {
        check(TEXT, pointer, None);
    }
}

#[test]
fn lookup_through_an_alias_reports_the_alias_site() {
    let text = "defs:\n  t: &t {optional: maybe}\ntasks:\n  - *t\n";
    let parsed = parse_checked(text);
    let located = parsed.documents[0].lookup("/tasks/0/optional").unwrap();
    assert_eq!(show(text, &located.node.span), "2:20 `maybe`");
    assert_eq!(show(text, &located.alias_site.unwrap()), "4:5 `*t`");
    let top = parsed.documents[0].lookup("/tasks/0").unwrap();
    assert_eq!(show(text, &top.node.span), "4:5 `*t`");
    assert_eq!(
        show(text, top.node.alias_of.as_ref().unwrap()),
        "2:9 `{optional: maybe}`"
    );
    assert_eq!(top.alias_site, None);
}

#[test]
fn node_conveniences() {
    let parsed = parse_checked(TEXT);
    let root = &parsed.documents[0].root;
    let tasks = &root.get("tasks").unwrap().value;
    assert_eq!(&TEXT[tasks.index(1).unwrap().span.clone()], "name: second");
    assert!(tasks.index(2).is_none());
    assert!(tasks.get("name").is_none());
    assert!(root.index(0).is_none());
}

#[test]
fn built_pointers_find_their_keys() {
    use crate::yaml::{escape_segment, push_segment};
    let text = "a/b:\n  m~n:\n    '~1/': deep\nplain: yes\n";
    let mut pointer = String::new();
    for key in ["a/b", "m~n", "~1/"] {
        push_segment(&mut pointer, key);
    }
    assert_eq!(pointer, "/a~1b/m~0n/~01~1");
    check(text, &pointer, Some(("deep", Some("'~1/'"))));
    assert!(matches!(
        escape_segment("plain"),
        std::borrow::Cow::Borrowed("plain")
    ));
}
