"""The what-if budget simulator: how many people an envelope funds, where and in which sectors.

``inputs`` (a scenario's inputs and their URL form), ``reference`` (the reference year on a
region x sector grid), ``allocation`` (whole people in Sainte-Laguë order), ``model``
(:func:`~lib.simulator.model.simulate` and its result), ``assumptions`` (the text of a
scenario's assumptions, as message keys) are pure; ``scenarios`` saves and lists scenarios in
the warehouse.
"""
