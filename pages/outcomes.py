"""Résultats: what became of the people supported, cohort by cohort (micro-projects still
running, jobs kept, returns to prison), and why the national rate is not on the same axis."""

import streamlit as st

from lib.i18n import t
from lib.ui import blocks, filters
from lib.ui import outcomes as sections
from lib.warehouse import queries

lang = blocks.start_page()
options = queries.filter_options()
selection = filters.sidebar_filters(options, fields=("regions", "sectors", "sexes"))
provenance = queries.outcome_provenance()
projects = queries.outcome_spells("beneficiary", selection, options)
jobs = queries.outcome_spells("placement", selection, options)
returns = queries.outcome_returns(selection, options)

demo = any(bool(frame["any_demo"].any()) for frame in (projects, jobs, returns))
blocks.page_header(t("outcomes.title"), t("outcomes.intro"), demo=demo)
st.caption(filters.selection_summary(selection))
if provenance["horizon"] is None:
    st.info(t("outcomes.no_follow_ups"), icon=":material/event_busy:")
    st.stop()
sections.provenance_caption(provenance)

sections.survival_section(projects, "beneficiary")
dimension = sections.dimension_choice()
sections.breakdown_section(
    queries.outcome_spells_by("beneficiary", dimension, selection, options), dimension
)
sections.ended_section(projects)
sections.survival_section(jobs, "placement")
sections.returns_section(returns)
sections.comparison_section(queries.published_figures())
