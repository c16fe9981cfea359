//! The events table: one normalized row per provider event (docs/design.md section 3).
//!
//! Providers produce [`Event`] values; [`EventBatchBuilder`] turns them, together with
//! the raw bytes and provenance that the pipeline knows, into Arrow record batches with
//! the fixed [`schema`]. Column names follow OCSF where OCSF has one.

use std::sync::{Arc, LazyLock};

use arrow::array::{
    ArrayRef, BooleanBuilder, Int32Builder, ListBuilder, StringBuilder, StructBuilder,
    TimestampMicrosecondBuilder, UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use serde::Serialize;

pub use crate::model::Category;

/// Normalized verb of an event (docs/design.md section 3, `action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Action {
    #[serde(rename = "role.grant")]
    RoleGrant,
    #[serde(rename = "role.revoke")]
    RoleRevoke,
    #[serde(rename = "credential.create")]
    CredentialCreate,
    #[serde(rename = "credential.rotate")]
    CredentialRotate,
    #[serde(rename = "credential.revoke")]
    CredentialRevoke,
    #[serde(rename = "credential.use")]
    CredentialUse,
    #[serde(rename = "policy.create")]
    PolicyCreate,
    #[serde(rename = "policy.update")]
    PolicyUpdate,
    #[serde(rename = "policy.delete")]
    PolicyDelete,
    #[serde(rename = "identity.create")]
    IdentityCreate,
    #[serde(rename = "identity.enable")]
    IdentityEnable,
    #[serde(rename = "identity.disable")]
    IdentityDisable,
    #[serde(rename = "identity.delete")]
    IdentityDelete,
    #[serde(rename = "login")]
    Login,
    #[serde(rename = "other")]
    Other,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RoleGrant => "role.grant",
            Action::RoleRevoke => "role.revoke",
            Action::CredentialCreate => "credential.create",
            Action::CredentialRotate => "credential.rotate",
            Action::CredentialRevoke => "credential.revoke",
            Action::CredentialUse => "credential.use",
            Action::PolicyCreate => "policy.create",
            Action::PolicyUpdate => "policy.update",
            Action::PolicyDelete => "policy.delete",
            Action::IdentityCreate => "identity.create",
            Action::IdentityEnable => "identity.enable",
            Action::IdentityDisable => "identity.disable",
            Action::IdentityDelete => "identity.delete",
            Action::Login => "login",
            Action::Other => "other",
        }
    }

    /// The category an action belongs to when the provider says nothing more specific.
    pub fn category(self) -> Category {
        match self {
            Action::RoleGrant | Action::RoleRevoke => Category::Admin,
            Action::CredentialCreate
            | Action::CredentialRotate
            | Action::CredentialRevoke
            | Action::CredentialUse => Category::Token,
            Action::PolicyCreate | Action::PolicyUpdate | Action::PolicyDelete => Category::Policy,
            Action::IdentityCreate
            | Action::IdentityEnable
            | Action::IdentityDisable
            | Action::IdentityDelete => Category::Lifecycle,
            Action::Login => Category::Authentication,
            Action::Other => Category::Other,
        }
    }

    /// OCSF class_uid and activity_id for this action.
    pub fn ocsf(self) -> (i32, i32) {
        match self {
            Action::RoleGrant => (3005, 1), // User Access Management: Assign Privileges
            Action::RoleRevoke => (3005, 2), // Revoke Privileges
            Action::IdentityCreate => (3001, 1), // Account Change: Create
            Action::IdentityEnable => (3001, 2),
            Action::IdentityDisable => (3001, 5),
            Action::IdentityDelete => (3001, 6),
            Action::Login => (3002, 1), // Authentication: Logon
            Action::CredentialCreate | Action::PolicyCreate => (3004, 1), // Entity Management
            Action::CredentialRotate | Action::PolicyUpdate => (3004, 3),
            Action::CredentialRevoke | Action::PolicyDelete => (3004, 4),
            Action::CredentialUse => (3003, 1), // Authorize Session
            Action::Other => (6003, 99),        // API Activity: Other
        }
    }
}

/// `success`, `failure` or `unknown` (OCSF status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    #[default]
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
        }
    }
}

/// `user`, `admin`, `service`, `system`, `unknown` (OCSF actor.user.type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    User,
    Admin,
    Service,
    System,
    #[default]
    Unknown,
}

impl ActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::User => "user",
            ActorType::Admin => "admin",
            ActorType::Service => "service",
            ActorType::System => "system",
            ActorType::Unknown => "unknown",
        }
    }
}

/// One target of an event (the `targets` list column).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Target {
    pub uid: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// One normalized event, as a provider maps it. Raw bytes and provenance are added by
/// the pipeline when the row is appended to a batch.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub event_uid: String,
    /// Microseconds since the Unix epoch, UTC.
    pub time: i64,
    /// The original timestamp text when it was not RFC 3339 (flagged, not dropped).
    pub time_raw: Option<String>,
    pub provider: &'static str,
    pub tenant: String,
    pub event_type: String,
    pub category: Category,
    pub action: Action,
    pub outcome: Outcome,
    pub actor_uid: Option<String>,
    pub actor_name: Option<String>,
    pub actor_type: ActorType,
    pub actor_is_machine: Option<bool>,
    pub credential_uid: Option<String>,
    pub src_ip: Option<String>,
    pub user_agent: Option<String>,
    pub target_uid: Option<String>,
    pub target_name: Option<String>,
    pub target_type: Option<String>,
    pub target_is_machine: Option<bool>,
    pub targets: Vec<Target>,
    pub privilege: Option<String>,
    pub privilege_scope: Option<String>,
    /// Microseconds since the epoch.
    pub credential_expires: Option<i64>,
}

impl Event {
    /// A new event with the required columns; everything else empty.
    pub fn new(provider: &'static str, event_uid: String, time: i64, event_type: String) -> Self {
        Event {
            event_uid,
            time,
            time_raw: None,
            provider,
            tenant: String::new(),
            event_type,
            category: Category::Other,
            action: Action::Other,
            outcome: Outcome::Unknown,
            actor_uid: None,
            actor_name: None,
            actor_type: ActorType::Unknown,
            actor_is_machine: None,
            credential_uid: None,
            src_ip: None,
            user_agent: None,
            target_uid: None,
            target_name: None,
            target_type: None,
            target_is_machine: None,
            targets: Vec::new(),
            privilege: None,
            privilege_scope: None,
            credential_expires: None,
        }
    }

    /// Set action and, unless already set to something specific, the category.
    pub fn with_action(mut self, action: Action) -> Self {
        self.action = action;
        if self.category == Category::Other {
            self.category = action.category();
        }
        self
    }

    /// Set the primary target from the first of `targets` when not set explicitly.
    pub fn fill_primary_target(&mut self) {
        if self.target_uid.is_none() && self.target_name.is_none() {
            if let Some(t) = self.targets.first() {
                self.target_uid = t.uid.clone();
                self.target_name = t.name.clone();
                self.target_type = self.target_type.take().or_else(|| t.kind.clone());
            }
        }
    }

    /// Days since the epoch of `time` (the `event_date` partition).
    pub fn day(&self) -> i32 {
        self.time.div_euclid(86_400_000_000) as i32
    }
}

fn target_fields() -> Fields {
    Fields::from(vec![
        Field::new("uid", DataType::Utf8, true),
        Field::new("name", DataType::Utf8, true),
        Field::new("type", DataType::Utf8, true),
    ])
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let ts = || DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let s = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        s("event_uid", false),
        Field::new("time", ts(), false),
        s("time_raw", true),
        s("provider", false),
        s("tenant", false),
        s("event_type", false),
        s("category", false),
        s("action", true),
        Field::new("class_uid", DataType::Int32, true),
        Field::new("activity_id", DataType::Int32, true),
        s("outcome", true),
        s("actor_uid", true),
        s("actor_name", true),
        s("actor_type", true),
        Field::new("actor_is_machine", DataType::Boolean, true),
        s("credential_uid", true),
        s("src_ip", true),
        s("user_agent", true),
        s("target_uid", true),
        s("target_name", true),
        s("target_type", true),
        Field::new("target_is_machine", DataType::Boolean, true),
        Field::new(
            "targets",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(target_fields()),
                true,
            ))),
            true,
        ),
        s("privilege", true),
        s("privilege_scope", true),
        Field::new("credential_expires", ts(), true),
        s("raw", true),
        s("source_file", true),
        Field::new("source_offset", DataType::UInt64, true),
        s("ingest_run", true),
    ]))
});

/// The Arrow schema of the events table (without Hive partition columns).
pub fn schema() -> SchemaRef {
    SCHEMA.clone()
}

/// Provenance of one row: where its bytes came from.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    pub raw: &'a str,
    pub source_file: &'a str,
    pub source_offset: u64,
    pub ingest_run: &'a str,
}

/// Builds events record batches row by row.
pub struct EventBatchBuilder {
    event_uid: StringBuilder,
    time: TimestampMicrosecondBuilder,
    time_raw: StringBuilder,
    provider: StringBuilder,
    tenant: StringBuilder,
    event_type: StringBuilder,
    category: StringBuilder,
    action: StringBuilder,
    class_uid: Int32Builder,
    activity_id: Int32Builder,
    outcome: StringBuilder,
    actor_uid: StringBuilder,
    actor_name: StringBuilder,
    actor_type: StringBuilder,
    actor_is_machine: BooleanBuilder,
    credential_uid: StringBuilder,
    src_ip: StringBuilder,
    user_agent: StringBuilder,
    target_uid: StringBuilder,
    target_name: StringBuilder,
    target_type: StringBuilder,
    target_is_machine: BooleanBuilder,
    targets: ListBuilder<StructBuilder>,
    privilege: StringBuilder,
    privilege_scope: StringBuilder,
    credential_expires: TimestampMicrosecondBuilder,
    raw: StringBuilder,
    source_file: StringBuilder,
    source_offset: UInt64Builder,
    ingest_run: StringBuilder,
    rows: usize,
    bytes: usize,
}

impl Default for EventBatchBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBatchBuilder {
    pub fn new() -> Self {
        let item = Arc::new(Field::new("item", DataType::Struct(target_fields()), true));
        EventBatchBuilder {
            event_uid: StringBuilder::new(),
            time: TimestampMicrosecondBuilder::new().with_timezone("UTC"),
            time_raw: StringBuilder::new(),
            provider: StringBuilder::new(),
            tenant: StringBuilder::new(),
            event_type: StringBuilder::new(),
            category: StringBuilder::new(),
            action: StringBuilder::new(),
            class_uid: Int32Builder::new(),
            activity_id: Int32Builder::new(),
            outcome: StringBuilder::new(),
            actor_uid: StringBuilder::new(),
            actor_name: StringBuilder::new(),
            actor_type: StringBuilder::new(),
            actor_is_machine: BooleanBuilder::new(),
            credential_uid: StringBuilder::new(),
            src_ip: StringBuilder::new(),
            user_agent: StringBuilder::new(),
            target_uid: StringBuilder::new(),
            target_name: StringBuilder::new(),
            target_type: StringBuilder::new(),
            target_is_machine: BooleanBuilder::new(),
            targets: ListBuilder::new(StructBuilder::from_fields(target_fields(), 0))
                .with_field(item),
            privilege: StringBuilder::new(),
            privilege_scope: StringBuilder::new(),
            credential_expires: TimestampMicrosecondBuilder::new().with_timezone("UTC"),
            raw: StringBuilder::new(),
            source_file: StringBuilder::new(),
            source_offset: UInt64Builder::new(),
            ingest_run: StringBuilder::new(),
            rows: 0,
            bytes: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Approximate bytes buffered (dominated by `raw`).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn append(&mut self, e: &Event, p: Provenance<'_>) {
        self.event_uid.append_value(&e.event_uid);
        self.time.append_value(e.time);
        self.time_raw.append_option(e.time_raw.as_deref());
        self.provider.append_value(e.provider);
        self.tenant.append_value(&e.tenant);
        self.event_type.append_value(&e.event_type);
        self.category.append_value(e.category.as_str());
        self.action.append_value(e.action.as_str());
        let (class_uid, activity_id) = e.action.ocsf();
        self.class_uid.append_value(class_uid);
        self.activity_id.append_value(activity_id);
        self.outcome.append_value(e.outcome.as_str());
        self.actor_uid.append_option(e.actor_uid.as_deref());
        self.actor_name.append_option(e.actor_name.as_deref());
        self.actor_type.append_value(e.actor_type.as_str());
        self.actor_is_machine.append_option(e.actor_is_machine);
        self.credential_uid
            .append_option(e.credential_uid.as_deref());
        self.src_ip.append_option(e.src_ip.as_deref());
        self.user_agent.append_option(e.user_agent.as_deref());
        self.target_uid.append_option(e.target_uid.as_deref());
        self.target_name.append_option(e.target_name.as_deref());
        self.target_type.append_option(e.target_type.as_deref());
        self.target_is_machine.append_option(e.target_is_machine);
        {
            let values = self.targets.values();
            for t in &e.targets {
                values
                    .field_builder::<StringBuilder>(0)
                    .expect("uid")
                    .append_option(t.uid.as_deref());
                values
                    .field_builder::<StringBuilder>(1)
                    .expect("name")
                    .append_option(t.name.as_deref());
                values
                    .field_builder::<StringBuilder>(2)
                    .expect("type")
                    .append_option(t.kind.as_deref());
                values.append(true);
            }
            self.targets.append(true);
        }
        self.privilege.append_option(e.privilege.as_deref());
        self.privilege_scope
            .append_option(e.privilege_scope.as_deref());
        self.credential_expires.append_option(e.credential_expires);
        self.raw.append_value(p.raw);
        self.source_file.append_value(p.source_file);
        self.source_offset.append_value(p.source_offset);
        self.ingest_run.append_value(p.ingest_run);
        self.rows += 1;
        self.bytes += p.raw.len() + 256;
    }

    /// Take the rows appended so far as a batch; the builder is empty afterwards.
    pub fn finish(&mut self) -> RecordBatch {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.event_uid.finish()),
            Arc::new(self.time.finish()),
            Arc::new(self.time_raw.finish()),
            Arc::new(self.provider.finish()),
            Arc::new(self.tenant.finish()),
            Arc::new(self.event_type.finish()),
            Arc::new(self.category.finish()),
            Arc::new(self.action.finish()),
            Arc::new(self.class_uid.finish()),
            Arc::new(self.activity_id.finish()),
            Arc::new(self.outcome.finish()),
            Arc::new(self.actor_uid.finish()),
            Arc::new(self.actor_name.finish()),
            Arc::new(self.actor_type.finish()),
            Arc::new(self.actor_is_machine.finish()),
            Arc::new(self.credential_uid.finish()),
            Arc::new(self.src_ip.finish()),
            Arc::new(self.user_agent.finish()),
            Arc::new(self.target_uid.finish()),
            Arc::new(self.target_name.finish()),
            Arc::new(self.target_type.finish()),
            Arc::new(self.target_is_machine.finish()),
            Arc::new(self.targets.finish()),
            Arc::new(self.privilege.finish()),
            Arc::new(self.privilege_scope.finish()),
            Arc::new(self.credential_expires.finish()),
            Arc::new(self.raw.finish()),
            Arc::new(self.source_file.finish()),
            Arc::new(self.source_offset.finish()),
            Arc::new(self.ingest_run.finish()),
        ];
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(schema(), columns).expect("columns match the events schema")
    }
}
