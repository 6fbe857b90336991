//! One workflow document (and the task-definition documents it needs): the task mix, nesting,
//! reference names and `${...}` inputs that follow what is visible at each task.

use super::random::Random;
use super::vocabulary::{
    CASE_VALUES, COMMON_FIELDS, DomainWords, HOSTS, OBJECT_INPUTS, PROCESSES, PURPOSES, SINKS,
    VERBS,
};
use super::yaml::Yaml;

/// A task definition of the tree.
#[derive(Debug, Clone)]
pub struct TaskDefPlan {
    /// Its name (`task:`), unique in the tree.
    pub name: String,
    /// The domain whose directory holds it.
    pub domain: usize,
    /// Its `inputKeys`: what SIMPLE tasks pass it.
    pub input_keys: Vec<String>,
    /// Its `outputKeys`: what later tasks read from it.
    pub output_keys: Vec<String>,
    /// The document.
    pub document: Yaml,
    /// The workflow whose file holds it, or `None` for the domain's `task-definitions.yaml`.
    pub home: Option<usize>,
}

/// A workflow already generated, which later ones may run as a sub-workflow.
#[derive(Debug, Clone)]
pub struct WorkflowPlan {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: i64,
    /// Its declared inputs.
    pub inputs: Vec<String>,
    /// Its output keys.
    pub outputs: Vec<String>,
}

/// Everything generated so far.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Every task definition.
    pub task_defs: Vec<TaskDefPlan>,
    /// Every workflow generated so far, in order.
    pub workflows: Vec<WorkflowPlan>,
}

impl Catalog {
    /// Whether a task definition of that name exists.
    pub fn task_def_named(&self, name: &str) -> bool {
        self.task_defs.iter().any(|task_def| task_def.name == name)
    }

    fn workflow_named(&self, name: &str) -> bool {
        self.workflows.iter().any(|workflow| workflow.name == name)
    }
}

/// What a task's output offers to later `${...}` expressions.
#[derive(Debug, Clone)]
enum Outputs {
    /// `${ref.output.<key>}`: SIMPLE (the task definition's `outputKeys`), SUB_WORKFLOW (the
    /// child's output keys), LLM tasks (`result`).
    Keys(Vec<String>),
    /// `${ref.output.response.body.<field>}` and `${ref.output.response.statusCode}`.
    Http(Vec<String>),
    /// `${ref.output.result.<key>}`, or `${ref.output.result}` when there are no keys.
    Result(Vec<String>),
    /// Nothing worth reading.
    Nothing,
}

/// A task whose output later tasks may read.
#[derive(Debug, Clone)]
struct Visible {
    reference: String,
    outputs: Outputs,
}

/// Where a task is being generated.
#[derive(Debug, Clone, Copy)]
struct Place {
    /// 0 for the workflow's own list, 1 inside a fork, case or loop, ...
    depth: usize,
    /// Inside a DO_WHILE body (no nested loops: the server rejects them).
    in_loop: bool,
}

/// The kinds of task the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Simple,
    Http,
    Inline,
    Jq,
    Switch,
    Fork,
    DoWhile,
    SubWorkflow,
    Wait,
    SetVariable,
    Event,
    Human,
    Llm,
    DynamicFork,
    StartWorkflow,
}

/// The task mix of a workflow's own task list, close to the corpus's (SIMPLE about half;
/// JOINs come with the forks).
const TOP_LEVEL_MIX: &[(usize, Kind)] = &[
    (46, Kind::Simple),
    (6, Kind::Http),
    (7, Kind::Inline),
    (4, Kind::Jq),
    (8, Kind::Switch),
    (7, Kind::Fork),
    (5, Kind::DoWhile),
    (5, Kind::SubWorkflow),
    (3, Kind::Wait),
    (3, Kind::SetVariable),
    (1, Kind::Event),
    (1, Kind::Human),
    (2, Kind::Llm),
    (1, Kind::DynamicFork),
    (1, Kind::StartWorkflow),
];

/// The mix inside forks, cases and loops.
const NESTED_MIX: &[(usize, Kind)] = &[
    (62, Kind::Simple),
    (11, Kind::Http),
    (7, Kind::Inline),
    (3, Kind::Jq),
    (4, Kind::Switch),
    (6, Kind::SubWorkflow),
    (4, Kind::SetVariable),
    (2, Kind::Wait),
    (2, Kind::DoWhile),
    (1, Kind::Llm),
];

/// How many tasks a workflow's own list has (the corpus: 2.5 on average, up to 11; nesting
/// roughly doubles it).
const TOP_LEVEL_COUNTS: &[(usize, usize)] = &[
    (28, 1),
    (30, 2),
    (19, 3),
    (10, 4),
    (6, 5),
    (3, 6),
    (2, 7),
    (1, 9),
    (1, 11),
];

/// A generated workflow file's content.
pub struct BuiltWorkflow {
    /// The workflow document.
    pub document: Yaml,
    /// Comment lines at the top of the file.
    pub header: String,
    /// The file name without `.yaml`.
    pub file_stem: String,
    /// Whether the file goes into the domain's `legacy/` directory.
    pub legacy: bool,
    /// How many tasks it holds, nested included.
    pub tasks: usize,
}

/// Builds one workflow.
pub struct WorkflowBuilder {
    random: Random,
    domain: &'static DomainWords,
    domain_idx: usize,
    workflow_idx: usize,
    /// Reference names taken (the generated JOINs' included).
    references: Vec<String>,
    /// Declared inputs of the workflow being generated (or of the inline sub-workflow).
    inputs: Vec<String>,
    /// Object-valued inputs among them, with their fields.
    object_inputs: Vec<(&'static str, &'static [&'static str])>,
    tasks: usize,
}

impl WorkflowBuilder {
    /// A builder for the `workflow_idx`-th workflow, in a domain.
    pub fn new(
        random: Random,
        domain: &'static DomainWords,
        domain_idx: usize,
        workflow_idx: usize,
    ) -> WorkflowBuilder {
        WorkflowBuilder {
            random,
            domain,
            domain_idx,
            workflow_idx,
            references: Vec::new(),
            inputs: Vec::new(),
            object_inputs: Vec::new(),
            tasks: 0,
        }
    }

    /// Generates the workflow, registering it and placing the task definitions it first uses.
    pub fn build(mut self, catalog: &mut Catalog) -> BuiltWorkflow {
        let noun = *self.random.pick(self.domain.nouns);
        let process = *self.random.pick(PROCESSES);
        let mut name = format!("{noun}_{process}");
        if catalog.workflow_named(&name) {
            name = format!("{}_{noun}_{process}", self.domain.name);
        }
        let mut suffix = 2;
        let base = name.clone();
        while catalog.workflow_named(&name) {
            name = format!("{base}_{suffix}");
            suffix += 1;
        }
        let version = self
            .random
            .weighted(&[(50, 1), (25, 2), (15, 3), (7, 4), (3, 7)]);

        let fields = fields_of(self.domain);
        let n_inputs = self.random.between(1, 5);
        self.inputs = self
            .random
            .sample(&fields, n_inputs)
            .into_iter()
            .map(|field| (*field).to_owned())
            .collect();
        if self.random.percent(40) {
            let (object, object_fields) = *self.random.pick(OBJECT_INPUTS);
            self.inputs.push(object.to_owned());
            self.object_inputs.push((object, object_fields));
        }

        let mut scope: Vec<Visible> = Vec::new();
        let n_tasks = self.random.weighted(TOP_LEVEL_COUNTS);
        let place = Place {
            depth: 0,
            in_loop: false,
        };
        let mut tasks = Vec::new();
        for _ in 0..n_tasks {
            let kind = self.random.weighted(TOP_LEVEL_MIX);
            tasks.extend(self.task(kind, place, &mut scope, catalog));
        }

        let mut output = Vec::new();
        let n_outputs = self.random.between(1, 4);
        for _ in 0..n_outputs {
            let producing: Vec<&Visible> = scope
                .iter()
                .filter(|visible| !matches!(visible.outputs, Outputs::Nothing))
                .collect();
            let (key, value) = match producing.last() {
                Some(_) if self.random.percent(80) => {
                    let visible = (*self.random.pick(&producing)).clone();
                    let (key, expression) = self.output_expression(&visible);
                    (key, expression)
                }
                _ => {
                    let input = self.random.pick(&self.inputs).clone();
                    (input.clone(), format!("${{workflow.input.{input}}}"))
                }
            };
            if !output.iter().any(|(existing, _)| *existing == key) {
                output.push((key, Yaml::str(value)));
            }
        }
        let output_keys: Vec<String> = output.iter().map(|(key, _)| key.clone()).collect();

        let mut document: Vec<(String, Yaml)> = vec![("workflow".into(), Yaml::str(&name))];
        if self.random.percent(85) {
            document.push((
                "description".into(),
                Yaml::str(format!(
                    "{}: {} of the {} ({}).",
                    self.random.pick(PURPOSES),
                    sentence(process),
                    noun.replace('_', " "),
                    self.domain.name
                )),
            ));
        }
        document.push(("version".into(), Yaml::Int(version)));
        document.push((
            "ownerEmail".into(),
            Yaml::str(format!("{}@example.com", self.domain.team)),
        ));
        if self.random.percent(20) {
            document.push(("schemaVersion".into(), Yaml::Int(2)));
        }
        if self.random.percent(60) {
            let seconds = *self
                .random
                .pick(&[300, 900, 1800, 3600, 5400, 7200, 86_400]);
            document.push(("timeout".into(), duration(&mut self.random, seconds)));
            let policy = self
                .random
                .weighted(&[(80, "TIME_OUT_WF"), (20, "ALERT_ONLY")]);
            document.push(("timeoutPolicy".into(), Yaml::str(policy)));
        }
        if self.random.percent(5) {
            document.push(("restartable".into(), Yaml::Bool(false)));
        }
        if let Some(failure) = catalog.workflows.last().filter(|_| self.random.percent(6)) {
            document.push(("failureWorkflow".into(), Yaml::str(&failure.name)));
        }
        document.push(("inputs".into(), Yaml::words(&self.inputs)));
        if self.random.percent(12) {
            document.push((
                "variables".into(),
                Yaml::map([("attempts", Yaml::Int(0)), ("lastStatus", Yaml::str("NEW"))]),
            ));
        }
        document.push(("tasks".into(), Yaml::Seq(tasks)));
        document.push(("output".into(), Yaml::Map(output)));

        catalog.workflows.push(WorkflowPlan {
            name: name.clone(),
            version,
            inputs: self.inputs.clone(),
            outputs: output_keys,
        });
        let header = format!(
            "# {}: {} of {} records.\n# Owned by {}@example.com.\n",
            self.domain.name,
            sentence(process),
            noun.replace('_', " "),
            self.domain.team
        );
        BuiltWorkflow {
            document: Yaml::Map(document),
            header,
            file_stem: name,
            legacy: self.random.percent(10),
            tasks: self.tasks,
        }
    }

    /// A reference name not taken yet, from a base name.
    fn reference(&mut self, base: &str) -> String {
        let mut reference = base.to_owned();
        let mut suffix = 2;
        while self.references.contains(&reference) {
            reference = format!("{base}_{suffix}");
            suffix += 1;
        }
        self.references.push(reference.clone());
        reference
    }

    /// The kind of a nested task, avoiding what the server forbids (a loop in a loop) and
    /// nesting deeper than two levels.
    fn nested_kind(&mut self, place: Place) -> Kind {
        loop {
            let kind = self.random.weighted(NESTED_MIX);
            let too_deep = place.depth >= 2 && matches!(kind, Kind::Switch | Kind::DoWhile);
            let loop_in_loop = place.in_loop && kind == Kind::DoWhile;
            if !(too_deep || loop_in_loop) {
                return kind;
            }
        }
    }

    /// A list of 1 to `most` nested tasks, in a scope of their own.
    fn nested_tasks(
        &mut self,
        place: Place,
        most: usize,
        scope: &mut Vec<Visible>,
        catalog: &mut Catalog,
    ) -> Vec<Yaml> {
        let count = self.random.weighted(&[(45, 1), (35, 2), (20, 3)]).min(most);
        let mut tasks = Vec::new();
        for _ in 0..count {
            let kind = self.nested_kind(place);
            tasks.extend(self.task(kind, place, scope, catalog));
        }
        tasks
    }

    /// Generates one task (two for a fork with an explicit JOIN or a dynamic fork with its
    /// planning task), adding what it makes visible to `scope`.
    fn task(
        &mut self,
        kind: Kind,
        place: Place,
        scope: &mut Vec<Visible>,
        catalog: &mut Catalog,
    ) -> Vec<Yaml> {
        self.tasks += 1;
        let kind = match kind {
            Kind::SubWorkflow | Kind::StartWorkflow if catalog.workflows.is_empty() => Kind::Simple,
            Kind::DoWhile if place.in_loop => Kind::Simple,
            other => other,
        };
        let mut tasks = match kind {
            Kind::Simple => vec![self.simple(scope, catalog)],
            Kind::Http => vec![self.http(scope)],
            Kind::Inline => vec![self.inline(scope)],
            Kind::Jq => vec![self.jq(scope)],
            Kind::Switch => vec![self.switch(place, scope, catalog)],
            Kind::Fork => self.fork(place, scope, catalog),
            Kind::DoWhile => vec![self.do_while(place, scope, catalog)],
            Kind::SubWorkflow => vec![self.sub_workflow(scope, catalog)],
            Kind::Wait => vec![self.wait()],
            Kind::SetVariable => vec![self.set_variable(scope)],
            Kind::Event => vec![self.event(scope)],
            Kind::Human => vec![self.human(scope)],
            Kind::Llm => vec![self.llm(scope)],
            Kind::DynamicFork => self.dynamic_fork(scope),
            Kind::StartWorkflow => vec![self.start_workflow(scope, catalog)],
        };
        if self.random.percent(6)
            && let Some(Yaml::Map(_)) = tasks.first()
        {
            let comment = format!(
                "{} {}",
                self.random.pick(&[
                    "Keep this before",
                    "Added for",
                    "See the runbook for",
                    "Needed by",
                    "TODO: revisit",
                ]),
                self.random.pick(self.domain.nouns).replace('_', " ")
            );
            let first = tasks.remove(0);
            tasks.insert(0, Yaml::Commented(comment, Box::new(first)));
        }
        tasks
    }

    fn simple(&mut self, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Yaml {
        let own: Vec<usize> = catalog
            .task_defs
            .iter()
            .enumerate()
            .filter(|(_, task_def)| task_def.domain == self.domain_idx)
            .map(|(idx, _)| idx)
            .collect();
        let def_idx = if own.is_empty() || self.random.percent(12) {
            self.random.below(catalog.task_defs.len())
        } else {
            *self.random.pick(&own)
        };
        let Some(task_def) = catalog.task_defs.get_mut(def_idx) else {
            return self.set_variable(scope);
        };
        if task_def.home.is_none() && task_def.domain == self.domain_idx && self.random.percent(8) {
            task_def.home = Some(self.workflow_idx);
        }
        let task_def = task_def.clone();
        let base = if self.random.percent(60) {
            format!("{}_ref", task_def.name)
        } else {
            task_def.name.clone()
        };
        let reference = self.reference(&base);
        let mut task = vec![
            ("ref".to_owned(), Yaml::str(&reference)),
            ("task".to_owned(), Yaml::str(&task_def.name)),
        ];
        if self.random.percent(8) {
            task.push((
                "description".into(),
                Yaml::str(format!("Calls the {} worker.", task_def.name)),
            ));
        }
        let mut input = Vec::new();
        for key in &task_def.input_keys {
            if input.is_empty() || self.random.percent(90) {
                let value = self.value_for(key, scope);
                input.push((key.clone(), value));
            }
        }
        task.push(("input".into(), Yaml::Map(input)));
        if self.random.percent(4) {
            task.push(("optional".into(), Yaml::Bool(true)));
        }
        if self.random.percent(2) {
            task.push((
                "retryCount".into(),
                Yaml::Int(self.random.between(1, 5) as i64),
            ));
        }
        scope.push(Visible {
            reference,
            outputs: Outputs::Keys(task_def.output_keys.clone()),
        });
        Yaml::Map(task)
    }

    fn http(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("call_{noun}_api"));
        let method = self.random.weighted(&[
            (45, "GET"),
            (30, "POST"),
            (12, "PUT"),
            (8, "PATCH"),
            (5, "DELETE"),
        ]);
        let path_value = self.expression(scope);
        let uri = format!(
            "https://{}/v{}/{}s/{path_value}",
            self.random.pick(HOSTS),
            self.random.between(1, 3),
            noun.replace('_', "-")
        );
        let mut request = vec![
            ("uri".to_owned(), Yaml::str(uri)),
            ("method".to_owned(), Yaml::str(method)),
        ];
        if self.random.percent(30) {
            request.push((
                "headers".into(),
                Yaml::map([
                    ("X-Request-Id", Yaml::str("${workflow.workflowId}")),
                    ("X-Tenant", Yaml::str(self.expression(scope))),
                ]),
            ));
        }
        if matches!(method, "POST" | "PUT" | "PATCH") && self.random.percent(85) {
            let body = self.input_map(scope, 1, 4);
            request.push(("body".into(), body));
        }
        if self.random.percent(20) {
            request.push(("accept".into(), Yaml::str("application/json")));
            request.push(("contentType".into(), Yaml::str("application/json")));
        }
        if self.random.percent(25) {
            request.push(("connectionTimeOut".into(), Yaml::Int(3000)));
            request.push((
                "readTimeOut".into(),
                Yaml::Int(*self.random.pick(&[3000, 5000, 10_000])),
            ));
        }
        let n_fields = self.random.between(1, 3);
        let body_fields = self
            .random
            .sample(self.domain.fields, n_fields)
            .into_iter()
            .map(|field| (*field).to_owned())
            .collect();
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Http(body_fields),
        });
        let mut task = vec![
            ("ref".to_owned(), Yaml::str(reference)),
            ("http".to_owned(), Yaml::Map(request)),
        ];
        if self.random.percent(5) {
            task.push(("optional".into(), Yaml::Bool(true)));
        }
        Yaml::Map(task)
    }

    fn inline(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let verb = *self
            .random
            .pick(&["compute", "build", "derive", "normalize", "summarize"]);
        let reference = self.reference(&format!("{verb}_{noun}"));
        let fields = self.domain.fields;
        let picked = self.random.sample(fields, 3);
        let first = picked.first().map_or("value", |field| **field);
        let second = picked.get(1).map_or("count", |field| **field);
        let third = picked.get(2).map_or("total", |field| **field);
        let (script, inputs, result_keys): (String, Vec<&str>, Vec<String>) = match self
            .random
            .below(5)
        {
            0 => (
                format!(
                    "(function () {{\n  var total = 0;\n  for (var i = 0; i < $.{first}.length; i++) {{\n    total += $.{first}[i].{second} || 0;\n  }}\n  return {{ {third}: total, count: $.{first}.length }};\n}})();\n"
                ),
                vec![first],
                vec![third.to_owned(), "count".to_owned()],
            ),
            1 => (
                format!(
                    "$.{first} > {} ? 'HIGH' : 'LOW'",
                    self.random.between(10, 5000)
                ),
                vec![first],
                Vec::new(),
            ),
            2 => (
                format!(
                    "(function () {{\n  var parts = [$.{first}, $.{second}];\n  return {{\n    {third}: parts.join('-').toUpperCase(),\n    complete: parts.every(function (part) {{ return part != null; }})\n  }};\n}})();\n"
                ),
                vec![first, second],
                vec![third.to_owned(), "complete".to_owned()],
            ),
            3 => (
                format!(
                    "(function () {{\n  var due = new Date(Date.now() + ($.{first} || 1) * 86400000);\n  return {{ {second}: due.toISOString(), weekday: due.getDay() }};\n}})();\n"
                ),
                vec![first],
                vec![second.to_owned(), "weekday".to_owned()],
            ),
            _ => (
                format!(
                    "function pick(value, fallback) {{\n  return value === undefined || value === null ? fallback : value;\n}}\n({{ {first}: pick($.{first}, 'n/a'), {second}: pick($.{second}, 0) }});\n"
                ),
                vec![first, second],
                vec![first.to_owned(), second.to_owned()],
            ),
        };
        let evaluator = self.random.weighted(&[(60, "graaljs"), (40, "javascript")]);
        let expression = if script.contains('\n') {
            Yaml::Block(script)
        } else {
            Yaml::str(script)
        };
        let mut input = Vec::new();
        for key in inputs {
            let value = self.value_for(key, scope);
            input.push((key.to_owned(), value));
        }
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Result(result_keys),
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            (
                "inline",
                Yaml::map([
                    ("evaluatorType", Yaml::str(evaluator)),
                    ("expression", expression),
                ]),
            ),
            ("input", Yaml::Map(input)),
        ])
    }

    fn jq(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("transform_{noun}"));
        let picked = self.random.sample(self.domain.fields, 2);
        let list = picked.first().map_or("items", |field| **field);
        let field = picked.get(1).map_or("id", |field| **field);
        let (program, result_keys) = match self.random.below(3) {
            0 => (format!(".{list} | map(.{field}) | add"), Vec::new()),
            1 => (
                format!("{{ {field}: (.{list} | length), ids: [.{list}[].id] }}"),
                vec![field.to_owned(), "ids".to_owned()],
            ),
            _ => (
                format!(".{list} | map(select(.{field} != null)) | sort_by(.{field})"),
                Vec::new(),
            ),
        };
        let value = self.value_for(list, scope);
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Result(result_keys),
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            ("jq", Yaml::str(program)),
            ("input", Yaml::map([(list.to_owned(), value)])),
        ])
    }

    fn switch(&mut self, place: Place, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Yaml {
        let values = *self.random.pick(CASE_VALUES);
        let n_cases = self.random.between(1, values.len());
        let case_values = self.random.sample(values, n_cases);
        let inner = Place {
            depth: place.depth + 1,
            ..place
        };
        let mut task = Vec::new();
        let reference;
        if self.random.percent(70) {
            let subject = self.expression(scope);
            let field = subject
                .trim_start_matches("${")
                .trim_end_matches('}')
                .rsplit('.')
                .next()
                .unwrap_or("status")
                .to_owned();
            reference = self.reference(&format!("route_by_{}", snake(&field)));
            task.push(("ref".to_owned(), Yaml::str(&reference)));
            task.push(("switch".to_owned(), Yaml::str(subject)));
        } else {
            let field = *self.random.pick(self.domain.fields);
            reference = self.reference(&format!("decide_{}", snake(field)));
            let expression = match case_values.as_slice() {
                [one, two, ..] => format!(
                    "$.{field} > {} ? '{one}' : '{two}'",
                    self.random.between(1, 1000)
                ),
                [one] => format!("$.{field} ? '{one}' : 'other'"),
                [] => format!("String($.{field})"),
            };
            task.push(("ref".to_owned(), Yaml::str(&reference)));
            task.push((
                "switch".to_owned(),
                Yaml::map([
                    (
                        "evaluatorType",
                        Yaml::str(self.random.weighted(&[(70, "javascript"), (30, "graaljs")])),
                    ),
                    ("expression", Yaml::str(expression)),
                ]),
            ));
            let value = self.value_for(field, scope);
            task.push(("input".to_owned(), Yaml::map([(field.to_owned(), value)])));
        }
        let mut cases = Vec::new();
        for value in case_values {
            let mut case_scope = scope.clone();
            let mut tasks = self.nested_tasks(inner, 3, &mut case_scope, catalog);
            if self.random.percent(10) {
                tasks.push(self.terminate(&case_scope, "COMPLETED"));
            }
            cases.push(((*value).to_owned(), Yaml::Seq(tasks)));
        }
        task.push(("cases".to_owned(), Yaml::Map(cases)));
        if self.random.percent(60) {
            let mut default_scope = scope.clone();
            let tasks = if self.random.percent(45) {
                vec![self.terminate(&default_scope, "FAILED")]
            } else {
                self.nested_tasks(inner, 2, &mut default_scope, catalog)
            };
            task.push(("default".to_owned(), Yaml::Seq(tasks)));
        }
        scope.push(Visible {
            reference,
            outputs: Outputs::Nothing,
        });
        Yaml::Map(task)
    }

    fn terminate(&mut self, scope: &[Visible], status: &str) -> Yaml {
        self.tasks += 1;
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!(
            "{}_{noun}",
            if status == "FAILED" {
                "reject"
            } else {
                "finish"
            }
        ));
        let subject = self.expression(scope);
        let mut terminate = vec![
            ("status".to_owned(), Yaml::str(status)),
            (
                "reason".to_owned(),
                Yaml::str(format!(
                    "{} {subject} {}",
                    noun.replace('_', " "),
                    if status == "FAILED" {
                        "was rejected"
                    } else {
                        "needs no further work"
                    }
                )),
            ),
        ];
        if self.random.percent(50) {
            terminate.push((
                "output".into(),
                Yaml::map([(
                    "result",
                    Yaml::str(if status == "FAILED" {
                        "REJECTED"
                    } else {
                        "SKIPPED"
                    }),
                )]),
            ));
        }
        Yaml::map([
            ("ref", Yaml::str(reference)),
            ("terminate", Yaml::Map(terminate)),
        ])
    }

    fn fork(&mut self, place: Place, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Vec<Yaml> {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("parallel_{noun}_steps"));
        let explicit_join = self.random.percent(25);
        let join_reference = if explicit_join {
            self.reference(&format!("{noun}_steps_done"))
        } else {
            // The JOIN lowering generates: reserve its name.
            self.reference(&format!("{reference}_join"))
        };
        let inner = Place {
            depth: place.depth + 1,
            ..place
        };
        let n_branches = self.random.weighted(&[(60, 2), (30, 3), (10, 4)]);
        let mut branches = Vec::new();
        let mut last_references = Vec::new();
        let mut after = Vec::new();
        for _ in 0..n_branches {
            let mut branch_scope = scope.clone();
            let known = branch_scope.len();
            let mut tasks = Vec::new();
            let count = self.random.weighted(&[(50, 1), (35, 2), (15, 3)]);
            for _ in 0..count {
                // No fork directly inside a fork branch: its JOIN would end the branch.
                let kind = self.nested_kind(inner);
                tasks.extend(self.task(kind, inner, &mut branch_scope, catalog));
            }
            if let Some(last) = tasks.last().and_then(task_reference) {
                last_references.push(last);
            }
            after.extend(branch_scope.drain(known..));
            branches.push(Yaml::Seq(tasks));
        }
        scope.extend(after);
        let mut tasks = vec![Yaml::map([
            ("ref", Yaml::str(&reference)),
            ("fork", Yaml::Seq(branches)),
        ])];
        if explicit_join {
            self.tasks += 1;
            tasks.push(Yaml::map([
                ("ref", Yaml::str(join_reference)),
                ("join", Yaml::words(last_references)),
            ]));
        }
        tasks
    }

    fn do_while(&mut self, place: Place, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let action = *self.random.pick(&["poll", "page", "retry", "process"]);
        let reference = self.reference(&format!("{action}_{noun}_loop"));
        let inner = Place {
            depth: place.depth + 1,
            in_loop: true,
        };
        let with_items = self.random.percent(25);
        let mut body_scope = scope.clone();
        let known = body_scope.len();
        body_scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Keys(if with_items {
                vec!["loopItem".into(), "loopIndex".into()]
            } else {
                vec!["iteration".into()]
            }),
        });
        let body = self.nested_tasks(inner, 3, &mut body_scope, catalog);
        let mut do_while = Vec::new();
        let mut input = Vec::new();
        if with_items {
            let list = self.expression(scope);
            do_while.push(("items".to_owned(), Yaml::str(list)));
        } else {
            let limit = self.random.between(3, 20) as i64;
            let body_reference = body.first().and_then(task_reference);
            let condition = match body_reference {
                Some(body_reference) if self.random.percent(40) => format!(
                    "$.{body_reference}['status'] != 'DONE' && $.{reference}['iteration'] < $.maxIterations"
                ),
                _ => format!(
                    "if ($.{reference}['iteration'] < $.maxIterations) {{ true; }} else {{ false; }}"
                ),
            };
            do_while.push(("condition".to_owned(), Yaml::str(condition)));
            input.push(("maxIterations".to_owned(), Yaml::Int(limit)));
        }
        if self.random.percent(20) {
            do_while.push((
                "keepLastN".to_owned(),
                Yaml::Int(self.random.between(1, 5) as i64),
            ));
        }
        do_while.push(("tasks".to_owned(), Yaml::Seq(body)));
        // After a condition loop, which runs at least once, its body tasks' outputs (of the last
        // iteration) can be read; a loop over a list may run no iteration at all.
        let body_visible: Vec<Visible> = body_scope
            .drain(known..)
            .filter(|visible| visible.reference != reference && !with_items)
            .collect();
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Keys(vec!["iteration".into()]),
        });
        scope.extend(body_visible);
        let mut task = vec![
            ("ref".to_owned(), Yaml::str(reference)),
            ("doWhile".to_owned(), Yaml::Map(do_while)),
        ];
        if !input.is_empty() {
            task.push(("input".to_owned(), Yaml::Map(input)));
        }
        Yaml::Map(task)
    }

    fn sub_workflow(&mut self, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Yaml {
        if self.random.percent(10) {
            return self.inline_sub_workflow(scope, catalog);
        }
        let Some(child) = catalog
            .workflows
            .get(self.random.below(catalog.workflows.len()))
            .cloned()
        else {
            return self.simple(scope, catalog);
        };
        let reference = self.reference(&format!("{}_ref", child.name));
        let mut sub = vec![("name".to_owned(), Yaml::str(&child.name))];
        if self.random.percent(70) {
            sub.push(("version".to_owned(), Yaml::Int(child.version)));
        }
        if self.random.percent(8) {
            sub.push((
                "idempotencyKey".to_owned(),
                Yaml::str("${workflow.workflowId}"),
            ));
            sub.push((
                "idempotencyStrategy".to_owned(),
                Yaml::str("RETURN_EXISTING"),
            ));
        }
        let mut input = Vec::new();
        for key in &child.inputs {
            let value = self.value_for(key, scope);
            input.push((key.clone(), value));
        }
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Keys(child.outputs.clone()),
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            ("subWorkflow", Yaml::Map(sub)),
            ("input", Yaml::Map(input)),
        ])
    }

    /// A SUB_WORKFLOW with an inline definition: its tasks see only its own inputs.
    fn inline_sub_workflow(&mut self, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("inline_{noun}_steps"));
        let name = format!("{}_{noun}_{}_inline", self.domain.name, self.workflow_idx);
        let n_inputs = self.random.between(1, 3);
        let inner_inputs: Vec<String> = self
            .random
            .sample(self.domain.fields, n_inputs)
            .into_iter()
            .map(|field| (*field).to_owned())
            .collect();
        let mut input = Vec::new();
        for key in &inner_inputs {
            let value = self.value_for(key, scope);
            input.push((key.clone(), value));
        }
        let outer_inputs = std::mem::replace(&mut self.inputs, inner_inputs.clone());
        let outer_objects = std::mem::take(&mut self.object_inputs);
        let mut inner_scope = Vec::new();
        let place = Place {
            depth: 2,
            in_loop: false,
        };
        let count = self.random.between(1, 3);
        let mut tasks = Vec::new();
        for _ in 0..count {
            let kind = self
                .random
                .weighted(&[(75, Kind::Simple), (25, Kind::Http)]);
            tasks.extend(self.task(kind, place, &mut inner_scope, catalog));
        }
        self.inputs = outer_inputs;
        self.object_inputs = outer_objects;
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Nothing,
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            (
                "subWorkflow",
                Yaml::map([(
                    "definition",
                    Yaml::map([
                        ("workflow", Yaml::str(name)),
                        ("version", Yaml::Int(1)),
                        ("inputs", Yaml::words(&inner_inputs)),
                        ("tasks", Yaml::Seq(tasks)),
                    ]),
                )]),
            ),
            ("input", Yaml::Map(input)),
        ])
    }

    fn start_workflow(&mut self, scope: &mut Vec<Visible>, catalog: &mut Catalog) -> Yaml {
        let Some(child) = catalog
            .workflows
            .get(self.random.below(catalog.workflows.len()))
            .cloned()
        else {
            return self.simple(scope, catalog);
        };
        let reference = self.reference(&format!("start_{}", child.name));
        let mut input = Vec::new();
        for key in &child.inputs {
            let value = self.value_for(key, scope);
            input.push((key.clone(), value));
        }
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Keys(vec!["workflowId".into()]),
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            (
                "startWorkflow",
                Yaml::map([
                    ("name", Yaml::str(&child.name)),
                    ("version", Yaml::Int(child.version)),
                    ("correlationId", Yaml::str("${workflow.correlationId}")),
                    ("input", Yaml::Map(input)),
                ]),
            ),
        ])
    }

    fn wait(&mut self) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("wait_for_{noun}"));
        let wait = match self.random.below(6) {
            0 => Yaml::str("signal"),
            1 => Yaml::map([("until", Yaml::str("2026-01-31 00:00 UTC"))]),
            2 => Yaml::Int(*self.random.pick(&[30, 60, 600])),
            _ => {
                let seconds = *self.random.pick(&[10, 60, 300, 3600]);
                duration(&mut self.random, seconds)
            }
        };
        Yaml::map([("ref", Yaml::str(reference)), ("wait", wait)])
    }

    fn set_variable(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("set_{noun}_state"));
        let value = self.value_for("status", scope);
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Nothing,
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            (
                "setVariable",
                Yaml::map([
                    ("lastStatus", value),
                    ("updatedBy", Yaml::str(format!("{noun} step"))),
                ]),
            ),
        ])
    }

    fn event(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("publish_{noun}_event"));
        let input = self.input_map(scope, 1, 3);
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Nothing,
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            ("event", Yaml::str(*self.random.pick(SINKS))),
            ("input", input),
        ])
    }

    fn human(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("review_{noun}"));
        let input = self.input_map(scope, 1, 3);
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Keys(vec!["approved".into(), "comment".into()]),
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            ("human", Yaml::Map(Vec::new())),
            ("input", input),
        ])
    }

    fn llm(&mut self, scope: &mut Vec<Visible>) -> Yaml {
        let noun = *self.random.pick(self.domain.nouns);
        let reference = self.reference(&format!("summarize_{noun}"));
        let subject = self.expression(scope);
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Keys(vec!["result".into()]),
        });
        Yaml::map([
            ("ref", Yaml::str(reference)),
            ("type", Yaml::str("LLM_CHAT_COMPLETE")),
            (
                "input",
                Yaml::map([
                    ("llmProvider", Yaml::str("openai")),
                    ("model", Yaml::str("gpt-4o-mini")),
                    (
                        "messages",
                        Yaml::Seq(vec![
                            Yaml::map([
                                ("role", Yaml::str("system")),
                                (
                                    "message",
                                    Yaml::str(format!(
                                        "You summarize {} records for the {} team.",
                                        noun.replace('_', " "),
                                        self.domain.team
                                    )),
                                ),
                            ]),
                            Yaml::map([
                                ("role", Yaml::str("user")),
                                ("message", Yaml::str(format!("Summarize {subject}"))),
                            ]),
                        ]),
                    ),
                    ("temperature", Yaml::Int(0)),
                ]),
            ),
        ])
    }

    /// A dynamic fork and the INLINE task that plans its branches.
    fn dynamic_fork(&mut self, scope: &mut Vec<Visible>) -> Vec<Yaml> {
        self.tasks += 1;
        let noun = *self.random.pick(self.domain.nouns);
        let plan = self.reference(&format!("plan_{noun}_fanout"));
        let reference = self.reference(&format!("fan_out_{noun}"));
        self.reference(&format!("{reference}_join"));
        let task_name = VERBS[self.random.below(VERBS.len())];
        let list = self.expression(scope);
        let script = format!(
            "(function () {{\n  var tasks = [], inputs = {{}};\n  for (var i = 0; i < $.items.length; i++) {{\n    var ref = '{task_name}_' + i;\n    tasks.push({{ name: '{task_name}_{noun}', taskReferenceName: ref, type: 'SIMPLE' }});\n    inputs[ref] = {{ item: $.items[i] }};\n  }}\n  return {{ dynamicTasks: tasks, dynamicTasksInput: inputs }};\n}})();\n"
        );
        scope.push(Visible {
            reference: reference.clone(),
            outputs: Outputs::Nothing,
        });
        vec![
            Yaml::map([
                ("ref", Yaml::str(&plan)),
                (
                    "inline",
                    Yaml::map([
                        ("evaluatorType", Yaml::str("graaljs")),
                        ("expression", Yaml::Block(script)),
                    ]),
                ),
                ("input", Yaml::map([("items", Yaml::str(list))])),
            ]),
            Yaml::map([
                ("ref", Yaml::str(reference)),
                (
                    "dynamicFork",
                    Yaml::map([
                        (
                            "tasks",
                            Yaml::str(format!("${{{plan}.output.result.dynamicTasks}}")),
                        ),
                        (
                            "inputs",
                            Yaml::str(format!("${{{plan}.output.result.dynamicTasksInput}}")),
                        ),
                    ]),
                ),
            ]),
        ]
    }

    /// A mapping of `low..=high` fields of the domain with values.
    fn input_map(&mut self, scope: &[Visible], low: usize, high: usize) -> Yaml {
        let count = self.random.between(low, high);
        let fields = self.random.sample(self.domain.fields, count);
        let mut map = Vec::new();
        for field in fields {
            let value = self.value_for(field, scope);
            map.push(((*field).to_owned(), value));
        }
        Yaml::Map(map)
    }

    /// The value of an input key: the workflow input or an earlier output of that name when
    /// there is one, otherwise some expression, a composed string or a literal.
    fn value_for(&mut self, key: &str, scope: &[Visible]) -> Yaml {
        if self.inputs.iter().any(|input| input == key) && self.random.percent(60) {
            return Yaml::str(format!("${{workflow.input.{key}}}"));
        }
        let producer = scope.iter().rev().find(|visible| match &visible.outputs {
            Outputs::Keys(keys) => keys.iter().any(|candidate| candidate == key),
            _ => false,
        });
        if let Some(producer) = producer
            && self.random.percent(75)
        {
            return Yaml::str(format!("${{{}.output.{key}}}", producer.reference));
        }
        match self.random.below(10) {
            0..=5 => Yaml::str(self.expression(scope)),
            6 => Yaml::str(format!(
                "{}-${{workflow.input.{}}}-${{workflow.workflowId}}",
                snake(key).replace('_', "-"),
                self.random.pick(&self.inputs)
            )),
            _ => literal(&mut self.random, key),
        }
    }

    /// A `${...}` expression reading a workflow input or an earlier task's output.
    fn expression(&mut self, scope: &[Visible]) -> String {
        let producing: Vec<&Visible> = scope
            .iter()
            .filter(|visible| !matches!(visible.outputs, Outputs::Nothing))
            .collect();
        if !producing.is_empty() && self.random.percent(55) {
            let visible = (*self.random.pick(&producing)).clone();
            return self.output_expression(&visible).1;
        }
        if !self.object_inputs.is_empty() && self.random.percent(25) {
            let (object, fields) = *self.random.pick(&self.object_inputs);
            let field = self.random.pick(fields);
            return format!("${{workflow.input.{object}.{field}}}");
        }
        if self.random.percent(5) {
            return "${workflow.correlationId}".to_owned();
        }
        let input = self.random.pick(&self.inputs).clone();
        format!("${{workflow.input.{input}}}")
    }

    /// A key naming the output and the expression reading it.
    fn output_expression(&mut self, visible: &Visible) -> (String, String) {
        let reference = &visible.reference;
        match &visible.outputs {
            Outputs::Keys(keys) if !keys.is_empty() => {
                let key = self.random.pick(keys).clone();
                let expression = format!("${{{reference}.output.{key}}}");
                (key, expression)
            }
            Outputs::Http(fields) if !fields.is_empty() && self.random.percent(85) => {
                let field = self.random.pick(fields).clone();
                let expression = format!("${{{reference}.output.response.body.{field}}}");
                (field, expression)
            }
            Outputs::Http(_) => (
                "statusCode".to_owned(),
                format!("${{{reference}.output.response.statusCode}}"),
            ),
            Outputs::Result(keys) if !keys.is_empty() => {
                let key = self.random.pick(keys).clone();
                let expression = format!("${{{reference}.output.result.{key}}}");
                (key, expression)
            }
            _ => (
                camel(&format!("{reference}_result")),
                format!("${{{reference}.output.result}}"),
            ),
        }
    }
}

/// The first key's value of a task mapping: its reference name.
fn task_reference(task: &Yaml) -> Option<String> {
    match task {
        Yaml::Map(entries) => entries
            .iter()
            .find_map(|(key, value)| match (key.as_str(), value) {
                ("ref", Yaml::Str(reference)) => Some(reference.clone()),
                _ => None,
            }),
        Yaml::Commented(_, inner) => task_reference(inner),
        _ => None,
    }
}

/// A literal value that suits a key's name.
fn literal(random: &mut Random, key: &str) -> Yaml {
    let lower = key.to_ascii_lowercase();
    if lower.contains("amount") || lower.contains("price") || lower.contains("budget") {
        return Yaml::Int(random.between(5, 5000) as i64);
    }
    if lower.contains("count")
        || lower.contains("days")
        || lower.contains("minutes")
        || lower.contains("seats")
        || lower.contains("size")
        || lower.contains("quantity")
        || lower.contains("pct")
        || lower.contains("kg")
    {
        return Yaml::Int(random.between(1, 90) as i64);
    }
    if lower == "currency" {
        return Yaml::str(*random.pick(&["USD", "EUR", "GBP", "JPY"]));
    }
    if lower.contains("priority") {
        return Yaml::str(*random.pick(&["HIGH", "NORMAL", "LOW"]));
    }
    if lower.contains("channel") {
        return Yaml::str(*random.pick(&["email", "sms", "web", "store"]));
    }
    if lower.contains("locale") {
        return Yaml::str(*random.pick(&["en-US", "de-DE", "fr-FR", "ja-JP"]));
    }
    if lower.contains("region") || lower.contains("country") || lower.contains("jurisdiction") {
        return Yaml::str(*random.pick(&["US", "EU", "APAC", "UK"]));
    }
    if matches!(
        key,
        "published" | "consentGiven" | "available" | "dryRun" | "notify"
    ) {
        return Yaml::Bool(random.percent(50));
    }
    if lower.contains("url") {
        return Yaml::str(format!(
            "https://{}/files/{}",
            random.pick(HOSTS),
            snake(key).replace('_', "-")
        ));
    }
    if lower.contains("status") {
        return Yaml::str(*random.pick(&["PENDING", "ACTIVE", "DONE"]));
    }
    Yaml::str(*random.pick(&["standard", "default", "auto", "manual", "primary"]))
}

/// A duration in seconds, written as people write it (`5m`, `1h 30m`), sometimes as a number.
fn duration(random: &mut Random, seconds: i64) -> Yaml {
    if random.percent(10) {
        return Yaml::Int(seconds);
    }
    let days = seconds / 86_400;
    let hours = seconds % 86_400 / 3600;
    let minutes = seconds % 3600 / 60;
    let rest = seconds % 60;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes}m"));
    }
    if rest > 0 || parts.is_empty() {
        parts.push(format!("{rest}s"));
    }
    Yaml::str(parts.join(" "))
}

/// A task-definition document.
pub fn task_def_document(
    random: &mut Random,
    name: &str,
    verb: &str,
    noun: &str,
    domain: &DomainWords,
    input_keys: &[String],
    output_keys: &[String],
) -> Yaml {
    let mut document = vec![("task".to_owned(), Yaml::str(name))];
    if random.percent(80) {
        document.push((
            "description".into(),
            Yaml::str(format!(
                "{} the {} for the {} domain.",
                sentence(&format!("{verb}s")),
                noun.replace('_', " "),
                domain.name
            )),
        ));
    }
    document.push((
        "ownerEmail".into(),
        Yaml::str(format!("{}@example.com", domain.team)),
    ));
    if random.percent(60) {
        let logic = random.weighted(&[
            (40, "FIXED"),
            (30, "EXPONENTIAL_BACKOFF"),
            (30, "LINEAR_BACKOFF"),
        ]);
        let delay = *random.pick(&[1, 2, 5, 10, 30, 60]);
        let mut retry = vec![
            ("count".to_owned(), Yaml::Int(random.between(0, 5) as i64)),
            ("logic".to_owned(), Yaml::str(logic)),
            ("delay".to_owned(), duration(random, delay)),
        ];
        if logic == "LINEAR_BACKOFF" && random.percent(50) {
            retry.push(("scaleFactor".into(), Yaml::Int(2)));
        }
        document.push(("retry".into(), Yaml::Map(retry)));
    }
    let timeout = *random.pick(&[60, 120, 300, 600, 1800, 3600]);
    if random.percent(70) {
        document.push(("timeout".into(), duration(random, timeout)));
        if random.percent(40) {
            let policy = random.weighted(&[(50, "RETRY"), (35, "TIME_OUT_WF"), (15, "ALERT_ONLY")]);
            document.push(("timeoutPolicy".into(), Yaml::str(policy)));
        }
        // Contract: the server rejects a `responseTimeout` (default 1 hour) above `timeout`.
        if timeout < 3600 || random.percent(75) {
            let choices: Vec<i64> = [10, 30, 60, 120, 300]
                .into_iter()
                .filter(|seconds| *seconds <= timeout)
                .collect();
            let response = *random.pick(&choices);
            document.push(("responseTimeout".into(), duration(random, response)));
        }
    }
    if random.percent(15) {
        document.push(("pollTimeout".into(), duration(random, 60)));
    }
    if random.percent(25) {
        document.push((
            "concurrency".into(),
            Yaml::Int(*random.pick(&[2, 5, 10, 20, 50])),
        ));
    }
    if random.percent(15) {
        let count = *random.pick(&[10, 50, 100, 500]);
        let per = *random.pick(&[1, 10, 60]);
        document.push((
            "rateLimit".into(),
            Yaml::map([("count", Yaml::Int(count)), ("per", duration(random, per))]),
        ));
    }
    document.push(("inputKeys".into(), Yaml::words(input_keys)));
    document.push(("outputKeys".into(), Yaml::words(output_keys)));
    Yaml::Map(document)
}

/// A domain's fields and the common ones, each once.
pub fn fields_of(domain: &DomainWords) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = domain.fields.to_vec();
    for field in COMMON_FIELDS {
        if !fields.contains(field) {
            fields.push(field);
        }
    }
    fields
}

/// `fulfillment` → `Fulfillment`.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `orderId` → `order_id`.
fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for character in text.chars() {
        if character.is_ascii_uppercase() {
            out.push('_');
            out.push(character.to_ascii_lowercase());
        } else {
            out.push(character);
        }
    }
    out
}

/// `order_total` → `orderTotal`.
fn camel(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut upper = false;
    for character in text.chars() {
        if character == '_' {
            upper = true;
        } else if upper {
            out.push(character.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(character);
        }
    }
    out
}
