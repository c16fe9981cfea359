//! Joins that give way: a physical optimizer rule that makes every join's output
//! consume the Tokio task budget, so that a query can be cancelled (a `serve` client
//! that leaves, a statement timeout) however much work each of its input batches
//! causes.
//!
//! DataFusion's own rule (`EnsureCooperative`) makes the leaves of a plan cooperative:
//! a task yields after 128 batches read. Behind a nested-loop join each batch read can
//! cost seconds (one batch times the whole build side), so 128 of them ran for minutes
//! without a yield, and a query whose client had gone could not be stopped (found when
//! the lake's files became few and large: the file reads that used to yield were gone).
//! Here every join's output batch costs a unit of the budget as well.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::config::ConfigOptions;
use datafusion::error::Result;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::joins::{
    CrossJoinExec, HashJoinExec, NestedLoopJoinExec, SortMergeJoinExec, SymmetricHashJoinExec,
};

#[derive(Debug, Default)]
pub struct YieldingJoins;

fn is_join(plan: &dyn ExecutionPlan) -> bool {
    plan.is::<NestedLoopJoinExec>()
        || plan.is::<CrossJoinExec>()
        || plan.is::<HashJoinExec>()
        || plan.is::<SortMergeJoinExec>()
        || plan.is::<SymmetricHashJoinExec>()
}

impl PhysicalOptimizerRule for YieldingJoins {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            if is_join(node.as_ref()) {
                Ok(Transformed::yes(
                    Arc::new(CooperativeExec::new(node)) as Arc<dyn ExecutionPlan>
                ))
            } else {
                Ok(Transformed::no(node))
            }
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "trailcheck_yielding_joins"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    #[tokio::test]
    async fn every_join_is_wrapped_once() {
        let ctx = SessionContext::new();
        let plan = ctx
            .sql(
                "SELECT count(*) FROM (VALUES (1),(2)) a(x), (VALUES (1),(3)) b(y) WHERE a.x < b.y",
            )
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        let plan = YieldingJoins
            .optimize(plan, &ConfigOptions::default())
            .unwrap();
        let shown = datafusion::physical_plan::displayable(plan.as_ref())
            .indent(false)
            .to_string();
        let lines: Vec<&str> = shown.lines().map(str::trim).collect();
        let join = lines
            .iter()
            .position(|l| l.starts_with("NestedLoopJoinExec"))
            .unwrap_or_else(|| panic!("{shown}"));
        assert!(lines[join - 1].starts_with("CooperativeExec"), "{shown}");
    }
}
