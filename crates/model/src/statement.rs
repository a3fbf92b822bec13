use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{EntityId, PartialDate, SourceId, StatementId, Tlp};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("predicate {0:?} is not lowercase snake_case")]
pub struct PredicateError(pub String);

/// What a statement says about its subject: `name`, `alias`, `uses`, `attributed_to`…
///
/// Open-ended, so every STIX relationship type has one (`attributed-to` → `attributed_to`);
/// the ones dossier reasons about are constants.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Predicate(Cow<'static, str>);

macro_rules! predicates {
    ($($konst:ident = $s:literal: $doc:literal;)*) => {
        impl Predicate {
            $(#[doc = $doc] pub const $konst: Predicate = Predicate(Cow::Borrowed($s));)*
        }
    };
}

predicates! {
    IS_A = "is_a": "The entity's kind (value: an [`crate::EntityKind`] name).";
    NAME = "name": "The name the source files the entity under.";
    ALIAS = "alias": "Another name; the issuer is who uses it, where known.";
    EXTERNAL_ID = "external_id": "An identifier in another system (value: identifier).";
    DESCRIPTION = "description": "Free text describing the entity.";
    REFERENCE = "reference": "A URL about the entity.";
    STATUS = "status": "`revoked` or `deprecated` in the source.";
    COUNTRY = "country": "The country the entity is from or based in.";
    SPONSOR = "suspected_sponsor": "The state suspected of sponsoring a threat actor.";
    TARGETS = "targets": "Who or what the entity targets.";
    TARGETS_SECTOR = "targets_sector": "A sector the entity targets (value: text).";
    USES = "uses": "A technique, malware or tool the entity uses.";
    ATTRIBUTED_TO = "attributed_to": "Who is behind the subject.";
    SAME_AS = "same_as": "Subject and object are the same real-world entity.";
    SIMILAR_TO = "similar_to": "The source relates the two as probably the same.";
    REVOKED_BY = "revoked_by": "The subject was replaced by the object.";
    SUBTECHNIQUE_OF = "subtechnique_of": "An attack pattern refining another.";
    MOTIVE = "motive": "Why the actor acts (value: text).";
    INCIDENT_TYPE = "incident_type": "The kind of operations the actor runs (value: text).";
    ACTOR_TYPE = "actor_type": "How the issuer classes an actor (financially motivated, influence operations…).";
    SANCTIONED_BY = "sanctioned_by": "The authority that designated the subject (object: the authority).";
    CHARGED_BY = "charged_by": "The authority that charged or indicted the subject (object: the authority).";
    FRONT_FOR = "front_for": "The subject is a front or cover company for the object.";
    MEMBER_OF = "member_of": "The subject is a member, officer or part of the object.";
    SANCTION_PROGRAM = "sanction_program": "The sanctions programme of a designation (value: identifier).";
    WEAK_ALIAS = "weak_alias": "A low-quality alias, as lists mark them; screened with care.";
    BIRTH_DATE = "birth_date": "Date of birth (value: date, or text for ranges and approximations).";
    BIRTH_PLACE = "birth_place": "Place of birth (value: text).";
    NATIONALITY = "nationality": "A nationality (object: country).";
    CITIZENSHIP = "citizenship": "A citizenship (object: country).";
    GENDER = "gender": "Gender as the source gives it.";
    ADDRESS = "address": "A postal address (value: text).";
    POSITION = "position": "A title, office or role the source records.";
    LINKED_TO = "linked_to": "An entity the source links the subject to.";
    ESTABLISHED = "established": "When an organisation was established (value: date).";
    ORGANIZATION_TYPE = "organization_type": "The kind of organisation or its activity (value: text).";
    CONTACT = "contact": "An e-mail address, website or phone number (value: text).";
    TOPIC = "topic": "A topic a source files the subject under (sanction, crime, role.pep…).";
    REMARK = "remark": "A remark kept verbatim where it could not be structured.";
    SANCTION_INFO = "sanction_info": "Further sanctions information a list gives (secondary sanctions risk, directives…).";
    ATTRIBUTE = "attribute": "Another labelled fact a list gives (vessel tonnage, aircraft model…); the label is the note.";
    FIRST_SEEN = "first_seen": "When the entity was first seen (value: date).";
    LAST_SEEN = "last_seen": "When the entity was last seen (value: date).";
}

impl Predicate {
    pub fn parse(s: &str) -> Result<Self, PredicateError> {
        let ok = s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Predicate(Cow::Owned(s.to_owned())))
        } else {
            Err(PredicateError(s.to_owned()))
        }
    }

    /// The predicate of a STIX relationship type (`attributed-to` → `attributed_to`).
    pub fn from_stix_relationship(ty: &str) -> Result<Self, PredicateError> {
        Predicate::parse(&ty.replace('-', "_"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether values of this predicate are names to be found by name search.
    pub fn is_name(&self) -> bool {
        *self == Predicate::NAME || *self == Predicate::ALIAS
    }
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Predicate {
    type Error = PredicateError;
    fn try_from(s: String) -> Result<Self, PredicateError> {
        Predicate::parse(&s)
    }
}

impl From<Predicate> for String {
    fn from(p: Predicate) -> String {
        p.0.into_owned()
    }
}

/// Whether the issuer says the statement is true or denies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Asserts,
    Denies,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Asserts => "asserts",
            Stance::Denies => "denies",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("confidence {0} is outside 0..=100")]
pub struct ConfidenceError(pub i64);

/// How sure the issuer is, 0–100 as in STIX 2.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Confidence(u8);

impl Confidence {
    pub fn new(value: i64) -> Result<Self, ConfidenceError> {
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= 100)
            .map(Confidence)
            .ok_or(ConfidenceError(value))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Confidence {
    type Error = ConfidenceError;
    fn try_from(v: i64) -> Result<Self, ConfidenceError> {
        Confidence::new(v)
    }
}

impl From<Confidence> for u8 {
    fn from(c: Confidence) -> u8 {
        c.0
    }
}

/// A literal object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Value {
    Text {
        text: String,
    },
    Date {
        date: PartialDate,
    },
    /// An identifier in some scheme: `mitre-attack` `G0128`, `iso3166-1` `CN`.
    Identifier {
        scheme: String,
        value: String,
    },
}

impl Value {
    pub fn text(s: impl Into<String>) -> Self {
        Value::Text { text: s.into() }
    }

    pub fn identifier(scheme: impl Into<String>, value: impl Into<String>) -> Self {
        Value::Identifier {
            scheme: scheme.into(),
            value: value.into(),
        }
    }

    /// The value as one line of text, without its scheme.
    pub fn lexical(&self) -> Cow<'_, str> {
        match self {
            Value::Text { text } => Cow::Borrowed(text),
            Value::Date { date } => Cow::Owned(date.to_string()),
            Value::Identifier { value, .. } => Cow::Borrowed(value),
        }
    }
}

/// What a statement points at: another entity or a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Object {
    Entity(EntityId),
    Value(Value),
}

/// One claim, with who makes it, where it was read, and when it holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Statement {
    pub subject: EntityId,
    pub predicate: Predicate,
    pub object: Object,
    pub stance: Stance,
    /// The document this was read from.
    pub source: SourceId,
    /// Who says it (a vendor naming an actor, a government attributing an intrusion).
    pub issuer: Option<EntityId>,
    pub valid_from: Option<PartialDate>,
    pub valid_to: Option<PartialDate>,
    /// When the issuer said it.
    pub stated_at: Option<PartialDate>,
    pub confidence: Option<Confidence>,
    pub marking: Tlp,
    /// Evidence or qualification in words (why a resolver linked two entities, a remark).
    pub note: Option<String>,
}

impl Statement {
    /// A statement asserted by the source itself, TLP:CLEAR, no dates; set the rest by field.
    pub fn new(subject: EntityId, predicate: Predicate, object: Object, source: SourceId) -> Self {
        Statement {
            subject,
            predicate,
            object,
            stance: Stance::Asserts,
            source,
            issuer: None,
            valid_from: None,
            valid_to: None,
            stated_at: None,
            confidence: None,
            marking: Tlp::Clear,
            note: None,
        }
    }

    /// The statement's deterministic id: a hash of every field.
    pub fn id(&self) -> StatementId {
        let mut buf = Vec::with_capacity(256);
        let mut field = |s: &str| {
            buf.extend_from_slice(s.as_bytes());
            buf.push(0x1f);
        };
        field(self.subject.as_str());
        field(self.predicate.as_str());
        match &self.object {
            Object::Entity(e) => {
                field("e");
                field(e.as_str());
            }
            Object::Value(Value::Text { text }) => {
                field("t");
                field(text);
            }
            Object::Value(Value::Date { date }) => {
                field("d");
                field(&date.to_string());
            }
            Object::Value(Value::Identifier { scheme, value }) => {
                field("i");
                field(scheme);
                field(value);
            }
        }
        field(self.stance.as_str());
        field(self.source.as_str());
        field(self.issuer.as_ref().map_or("", |i| i.as_str()));
        let date = |d: Option<PartialDate>| d.map(|d| d.to_string()).unwrap_or_default();
        field(&date(self.valid_from));
        field(&date(self.valid_to));
        field(&date(self.stated_at));
        field(
            &self
                .confidence
                .map(|c| c.get().to_string())
                .unwrap_or_default(),
        );
        field(self.marking.as_str());
        field(self.note.as_deref().unwrap_or(""));
        StatementId::of(&buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContentHash;

    fn sample() -> Statement {
        let id = EntityId::parse("intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b");
        let id = id.unwrap_or_else(|e| panic!("{e}"));
        let source = SourceId::for_content(&ContentHash::of(b"bundle"));
        Statement::new(
            id,
            Predicate::ALIAS,
            Object::Value(Value::text("APT31")),
            source,
        )
    }

    #[test]
    fn ids_depend_on_every_field() {
        let a = sample();
        assert_eq!(a.id(), sample().id());
        let mut b = sample();
        b.stance = Stance::Denies;
        assert_ne!(a.id(), b.id());
        let mut c = sample();
        c.marking = Tlp::Red;
        assert_ne!(a.id(), c.id());
        let mut d = sample();
        d.object = Object::Value(Value::text("APT3"));
        assert_ne!(a.id(), d.id());
    }

    #[test]
    fn predicates_and_confidence_validate() {
        assert_eq!(
            Predicate::from_stix_relationship("attributed-to"),
            Ok(Predicate::ATTRIBUTED_TO)
        );
        assert!(Predicate::parse("Uses").is_err());
        assert!(Predicate::parse("").is_err());
        assert!(Confidence::new(101).is_err());
        assert!(Confidence::new(-1).is_err());
        assert_eq!(Confidence::new(85).map(Confidence::get), Ok(85));
    }

    #[test]
    fn statements_round_trip_through_json() {
        let s = sample();
        let json = serde_json::to_string(&s).unwrap_or_default();
        let back: Statement = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, s);
    }
}
