//! Reading a mapping whose type is told by one of its keys (a task's `http:`, a document's
//! `workflow:`) without buffering the whole mapping first.
//!
//! serde's usual answer for such enums is to read the mapping into a buffer (`Value`), find the
//! key, then read the buffer again as the chosen type. Tasks nest (a switch holds tasks that
//! hold tasks), so every level re-buffered everything below it: reading a document cost a copy
//! per nesting level. Here only the entries before the discriminating key are buffered (usually
//! just `ref`); they are replayed, then the rest of the mapping streams into the chosen type.
//!
//! Errors are those of buffering, with one difference in precedence: a second discriminating key
//! is found only when the stream reaches it, so an invalid value written between the two is
//! reported first. Documents that passed the schema have neither.

use serde::de::value::{MapAccessDeserializer, StringDeserializer};
use serde::de::{DeserializeSeed, Error, IgnoredAny, IntoDeserializer, MapAccess};
use serde_json::Value;

/// What is being told apart: which keys discriminate, and the error for more than one.
pub(crate) trait Discriminated {
    /// The kind a discriminating key selects, or `None` for any other key.
    type Kind: Copy;

    /// The kind of a key, if it is a discriminating key.
    fn kind_of(key: &str) -> Option<Self::Kind>;

    /// The message for a mapping with several discriminating keys (in mapping order).
    fn conflict_message(keys: &[String]) -> String;
}

/// The kind a mapping's discriminating key selects, and the mapping to read as that kind.
pub(crate) type Split<'de, D, A> = (<D as Discriminated>::Kind, Replay<'de, D, A>);

/// Reads entries until the discriminating key: returns its kind and a map access that replays
/// the entries read so far and streams the rest, or `None` when the mapping has no such key.
pub(crate) fn split_map<'de, D: Discriminated, A: MapAccess<'de>>(
    mut map: A,
) -> Result<Option<Split<'de, D, A>>, A::Error> {
    let mut buffered: Vec<(String, Value)> = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        if let Some(kind) = D::kind_of(&key) {
            let replay = Replay {
                buffered: buffered.into_iter(),
                pending: None,
                discriminator: Some(key),
                first_key: String::new(),
                inner: map,
                marker: std::marker::PhantomData,
            };
            return Ok(Some((kind, replay)));
        }
        let value: Value = map.next_value()?;
        buffered.push((key, value));
    }
    Ok(None)
}

/// Reads the chosen type from a [`Replay`].
pub(crate) fn read_rest<'de, T, D, A>(replay: Replay<'de, D, A>) -> Result<T, A::Error>
where
    T: serde::Deserialize<'de>,
    D: Discriminated,
    A: MapAccess<'de>,
{
    T::deserialize(MapAccessDeserializer::new(replay))
}

/// The entries read before the discriminating key, the key itself, then the rest of the map.
pub(crate) struct Replay<'de, D: Discriminated, A: MapAccess<'de>> {
    buffered: std::vec::IntoIter<(String, Value)>,
    /// The value of the buffered entry whose key was just handed out.
    pending: Option<Value>,
    /// The discriminating key, until it is handed out.
    discriminator: Option<String>,
    /// The discriminating key, once handed out, for the conflict message.
    first_key: String,
    inner: A,
    marker: std::marker::PhantomData<(&'de (), D)>,
}

impl<'de, D: Discriminated, A: MapAccess<'de>> Replay<'de, D, A> {
    /// Reads the rest of the map to name every discriminating key, then fails.
    fn conflict(&mut self, second: String) -> A::Error {
        let mut keys = vec![std::mem::take(&mut self.first_key), second];
        let drained: Result<(), A::Error> = (|| {
            self.inner.next_value::<IgnoredAny>()?;
            while let Some(key) = self.inner.next_key::<String>()? {
                self.inner.next_value::<IgnoredAny>()?;
                if D::kind_of(&key).is_some() {
                    keys.push(key);
                }
            }
            Ok(())
        })();
        match drained {
            Ok(()) => A::Error::custom(D::conflict_message(&keys)),
            Err(error) => error,
        }
    }
}

impl<'de, D: Discriminated, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, D, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        if let Some((key, value)) = self.buffered.next() {
            self.pending = Some(value);
            return seed
                .deserialize(key_deserializer::<A::Error>(key))
                .map(Some);
        }
        if let Some(key) = self.discriminator.take() {
            self.first_key.clone_from(&key);
            return seed
                .deserialize(key_deserializer::<A::Error>(key))
                .map(Some);
        }
        match self.inner.next_key::<String>()? {
            None => Ok(None),
            Some(key) if D::kind_of(&key).is_some() => Err(self.conflict(key)),
            Some(key) => seed
                .deserialize(key_deserializer::<A::Error>(key))
                .map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        if let Some(value) = self.pending.take() {
            return seed.deserialize(value).map_err(A::Error::custom);
        }
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner
            .size_hint()
            .map(|rest| rest + self.buffered.len() + usize::from(self.discriminator.is_some()))
    }
}

fn key_deserializer<E: Error>(key: String) -> StringDeserializer<E> {
    key.into_deserializer()
}

/// A visitor's answer to anything but a mapping: the given message, whatever the value.
macro_rules! reject_non_mappings {
    ($message:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom($message))
        }
        fn visit_seq<S: serde::de::SeqAccess<'de>>(self, _: S) -> Result<Self::Value, S::Error> {
            Err(serde::de::Error::custom($message))
        }
    };
}

pub(crate) use reject_non_mappings;

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::syntax::document::Document;
    use crate::syntax::task::{Task, TaskForm};

    /// Reads `input` as `T`: `Ok` with the value written back (which must equal the input), or
    /// the error message.
    fn read<T: serde::de::DeserializeOwned + serde::Serialize>(
        input: Value,
    ) -> Result<Value, String> {
        serde_json::from_value::<T>(input)
            .map(|read| serde_json::to_value(read).expect("serializable"))
            .map_err(|error| error.to_string())
    }

    fn check_task(input: Value, expected: Result<TaskForm, &str>) {
        let form = serde_json::from_value::<Task>(input.clone())
            .map(|task| task.form())
            .map_err(|error| error.to_string());
        assert_eq!(form, expected.map_err(str::to_owned), "{input}");
        if form.is_ok() {
            assert_eq!(read::<Task>(input.clone()), Ok(input));
        }
    }

    #[test]
    fn tasks_are_told_by_their_form_key_wherever_it_is() {
        check_task(json!({"ref": "a", "task": "x"}), Ok(TaskForm::Simple));
        check_task(json!({"task": "x", "ref": "a"}), Ok(TaskForm::Simple));
        check_task(
            json!({"description": "d", "optional": true, "ref": "a", "http": {"uri": "u", "method": "GET"}}),
            Ok(TaskForm::Http),
        );
        check_task(
            json!({"ref": "a", "type": "LLM_CHAT_COMPLETE", "input": {"x": [1, null]}}),
            Ok(TaskForm::Generic),
        );
        check_task(
            json!({"ref": "s", "cases": {"a": [{"ref": "b", "wait": "5s"}, {"task": "t", "ref": "c"}]}, "switch": "${workflow.input.x}", "default": [{"ref": "d", "terminate": {"status": "FAILED"}}]}),
            Ok(TaskForm::Switch),
        );
    }

    #[test]
    fn task_errors_name_the_problem() {
        check_task(
            json!({"ref": "a"}),
            Err("the task has no key telling its type"),
        );
        check_task(json!({}), Err("the task has no key telling its type"));
        check_task(
            json!({"ref": "a", "task": "x", "input": {}, "http": {"uri": "u"}, "wait": "5s"}),
            Err("the task has several type keys: task, http, wait"),
        );
        check_task(json!("a"), Err("a task must be a mapping"));
        check_task(
            json!([{"ref": "a", "task": "x"}]),
            Err("a task must be a mapping"),
        );
        check_task(json!(null), Err("a task must be a mapping"));
        let unknown = serde_json::from_value::<Task>(json!({"ref": "a", "task": "x", "bogus": 1}))
            .expect_err("unknown key");
        assert!(
            unknown.to_string().starts_with("unknown field `bogus`"),
            "{unknown}"
        );
        let nested = serde_json::from_value::<Task>(json!({"ref": "f", "fork": [[{"ref": "b"}]]}))
            .expect_err("nested task without form");
        assert_eq!(nested.to_string(), "the task has no key telling its type");
    }

    #[test]
    fn documents_are_told_by_workflow_or_task() {
        let workflow =
            json!({"description": "d", "workflow": "w", "tasks": [{"ref": "a", "task": "x"}]});
        assert_eq!(read::<Document>(workflow.clone()), Ok(workflow));
        let task_def = json!({"task": "x", "retry": {"count": 2}});
        assert_eq!(read::<Document>(task_def.clone()), Ok(task_def));
        let not_a_document = Err("a document starts with `workflow:` or `task:`".to_owned());
        for input in [
            json!({"workflow": "w", "tasks": [], "task": "x"}),
            json!({"name": "w", "tasks": []}),
            json!("workflow"),
            json!(7),
        ] {
            assert_eq!(read::<Document>(input), not_a_document);
        }
    }
}
