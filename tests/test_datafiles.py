"""grader.datafiles: the shared machinery behind every data-file model (each file's own tests
live with its module: tests/roleplay, tests/widgets, tests/test_tracks.py, tests/datasets)."""
from __future__ import annotations

import pytest
from pydantic import model_validator

from grader import datafiles
from grader.datafiles import DataFileError, DataModel, Id, Number, RequiredText, report


class Leaf(DataModel):
    id: Id
    size: Number


class Branch(DataModel):
    unique_ids = (("leaves[].id", "extra.*[].id"),)

    id: Id
    leaves: tuple[Leaf, ...]
    extra: dict[str, tuple[Leaf, ...]] = {}

    @model_validator(mode="after")
    def _sizes_grow(self) -> "Branch":
        report((("leaves", n, "size"), f"smaller than the leaf before ({a.size:g} > {b.size:g})")
               for n, (a, b) in enumerate(zip(self.leaves, self.leaves[1:]), 1) if a.size > b.size)
        return self


class Tree(DataModel):
    unique_ids = (("branches[].id",),)

    name: RequiredText
    branches: tuple[Branch, ...]


def problems(data) -> list[str]:
    with pytest.raises(DataFileError) as err:
        datafiles.validate(Tree, data, "tree.yaml", DataFileError)
    lines = str(err.value).splitlines()
    assert all(line.startswith("tree.yaml: ") for line in lines)
    return [line.removeprefix("tree.yaml: ") for line in lines]


def test_repeated_ids_come_with_every_other_problem_and_full_paths():
    """Is an id repeated inside a nested entry (across a list and a mapping of lists) reported
    with its full path and the place it was first used, together with the plain field errors?"""
    data = {"name": "  ", "branches": [
        {"id": "b1", "leaves": [{"id": "x", "size": 1}], "extra": {"more": [{"id": "x", "size": "big"}]}},
        {"id": "b1", "leaves": [], "colour": "green"}]}
    assert problems(data) == [
        "name: must not be empty",
        "branches[0].extra.more[0].size (id 'x'): should be a valid number, got 'big'",
        "branches[0].extra.more[0].id: 'x' is used twice (first at branches[0].leaves[0].id); ids must be unique",
        "branches[1].colour (id 'b1'): unknown field (check the spelling)",
        "branches[1].id: 'b1' is used twice (first at branches[0].id); ids must be unique",
    ]


def test_a_validator_reports_several_problems_each_in_its_place():
    """Can one cross-field validator name several places at once (report), and does it run only
    once the fields it compares are valid?"""
    leaves = [{"id": "a", "size": 3}, {"id": "b", "size": 2}, {"id": "c", "size": 5}, {"id": "d", "size": 1}]
    assert problems({"name": "oak", "branches": [{"id": "b", "leaves": leaves}]}) == [
        "branches[0].leaves[1].size (id 'b'): smaller than the leaf before (3 > 2)",
        "branches[0].leaves[3].size (id 'd'): smaller than the leaf before (5 > 1)",
    ]
    tree = datafiles.validate(Tree, {"name": "oak", "branches": [{"id": "b", "leaves": leaves[:1]}]},
                              "tree.yaml", DataFileError)
    assert tree.branches[0].leaves[0].size == 3.0


def test_yes_no_and_text_are_not_numbers_or_ids():
    """Are yes/no values refused where a number is expected, and capitals in an id?"""
    assert problems({"name": "oak", "branches": [{"id": "B", "leaves": [{"id": "a", "size": True}]}]}) == [
        "branches[0].id: 'B' is not a valid id: use lower-case letters, digits, '-' or '_', starting "
        "with a letter (e.g. full_greeting)",
        "branches[0].leaves[0].size (id 'a'): should be a valid number, got True",
    ]


@pytest.mark.parametrize("name, body, expected", [
    ("tree.yaml", "", "tree.yaml: the file is empty"),
    ("tree.yaml", "- oak\n", "tree.yaml: the file must be a mapping of fields ('key: value' lines), not a list"),
    ("tree.yaml", "name: [oak\n", "tree.yaml: is not valid YAML: "),
    ("tree.json", '{"name": "oak",}', "tree.json: is not valid JSON: "),
])
def test_a_file_that_cannot_be_read_as_a_mapping_says_why(tmp_path, name, body, expected):
    """Do an empty file, a list, broken YAML and broken JSON each give one plain line?"""
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        datafiles.load(Tree, path, DataFileError)
    assert str(err.value).startswith(expected) and len(str(err.value).splitlines()) == 1


def test_location_reads_like_the_file():
    assert datafiles.location(("rules", 3, "patterns", 0)) == "rules[3].patterns[0]"
    assert datafiles.location(("scenarios", "inbound", "steps", 2, "id")) == "scenarios.inbound.steps[2].id"
    assert datafiles.location(()) == ""


def test_an_error_class_still_takes_one_message():
    """Can code that raised RulesError("...") before keep doing so?"""
    from grader.widgets.phrase_checker import RulesError

    err = RulesError("rules.yaml: something is off")
    assert str(err) == "rules.yaml: something is off" and err.problems == ["rules.yaml: something is off"]
    assert isinstance(err, ValueError)
