"""Reading files: formats, encodings, delimiters, and clear refusals."""

from __future__ import annotations

import codecs
import json

import pytest

from segapp.services.ingest.readers import (
    MAX_FLAT_DEPTH,
    RecordReader,
    UnreadableFileError,
    refuse_binary,
    sniff_format,
)


def records(path, **kwargs):
    fmt = sniff_format(path, **kwargs)
    with RecordReader(path, fmt) as reader:
        return fmt, reader.columns, list(reader)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_detected(write_file, delimiter):
    rows = ["customer_id", "text", "rating"], ["c1", "Great; fast, cheap | ok", "5"]
    body = "\n".join(
        delimiter.join(f'"{v}"' if delimiter in v or "," in v else v for v in row) for row in rows
    )
    fmt, columns, recs = records(write_file("d.csv", body))
    assert fmt.delimiter == delimiter
    assert columns == ["customer_id", "text", "rating"]
    assert recs[0].values["text"] == "Great; fast, cheap | ok"


@pytest.mark.parametrize(
    ("name", "delimiter"), [("dump.tsv", "\t"), ("extract.csv", "|"), ("excel.csv", ";")]
)
def test_delimiter_is_detected_with_crlf_and_empty_cells(write_file, name, delimiter):
    header = ["TXN_ID", "CARD_NO", "TYPE", "AMT", "NOTE"]
    rows = [["1", "", "SALE", "5,57", ""], ["2", "6035852182562136", "RETURN", "-3,10", ""]]
    body = "\r\n".join(delimiter.join(row) for row in [header, *rows]) + "\r\n"
    fmt, columns, recs = records(write_file(name, body))
    assert fmt.delimiter == delimiter and columns == header
    assert [r.values["CARD_NO"] for r in recs] == ["", "6035852182562136"]


def test_utf8_with_bom_is_read_without_the_bom(write_file):
    path = write_file("bom.csv", "\ufeffcustomer_id,text\nc1,Crème brûlée\n")
    fmt, columns, recs = records(path)
    assert columns[0] == "customer_id"
    assert recs[0].values["text"] == "Crème brûlée"
    assert fmt.encoding_label == "UTF-8"


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    ],
)
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(write_file, encoding, bom, label):
    body = 'Star Rating,Review Text\n5,Très rapide 👍\n3,"Ok, ça va"\n'
    path = write_file("reviews.csv", bom + body.encode(encoding))
    fmt, columns, recs = records(path)
    assert (fmt.kind, fmt.delimiter, fmt.encoding_label) == ("csv", ",", label)
    assert columns == ["Star Rating", "Review Text"]
    assert [r.values["Review Text"] for r in recs] == ["Très rapide 👍", "Ok, ça va"]


def test_an_upload_in_utf16_passes_the_binary_check_and_a_binary_one_does_not():
    refuse_binary(codecs.BOM_UTF16_LE + "customer_id,text\nc1,ok\n".encode("utf-16-le"))
    with pytest.raises(UnreadableFileError, match="binary"):
        refuse_binary(codecs.BOM_UTF16_LE + ("\x01\x02\x03\x04" * 200).encode("utf-16-le"))


def test_a_utf16_byte_order_mark_on_bytes_that_are_not_utf16_is_refused(write_file):
    path = write_file("bad.csv", codecs.BOM_UTF16_LE + b"a,b\n1,2\n\x00\xd8")
    with pytest.raises(UnreadableFileError, match="not valid UTF-16"):
        sniff_format(path)


def test_nested_json_objects_are_flattened_into_dotted_columns(write_file):
    data = [
        {"id": "r1", "consumer": {"id": "c1", "geo": {"country": "IE"}}, "reply": None,
         "tags": ["a", "b"], "extra": {}},
        {"id": "r2", "consumer": {"id": "c2", "geo": {"country": "NL"}},
         "reply": {"message": "Thanks", "createdAt": "2024-09-20"}, "tags": []},
    ]  # fmt: skip
    _, columns, recs = records(write_file("t.json", json.dumps(data)))
    assert columns == [
        "id", "consumer.id", "consumer.geo.country", "tags", "extra", "reply.message",
        "reply.createdAt",
    ]  # fmt: skip
    assert recs[0].values == {
        "id": "r1", "consumer.id": "c1", "consumer.geo.country": "IE", "reply": None,
        "tags": ["a", "b"], "extra": {},
    }  # fmt: skip
    assert recs[1].values["reply.message"] == "Thanks"


def test_flattening_is_bounded_and_name_clashes_reject_the_record(write_file):
    deep = {"v": 1}
    for level in range(8):
        deep = {f"l{level}": deep}
    lines = [
        json.dumps({"id": "a", "deep": deep}),
        json.dumps({"id": "b", "x.y": 1, "x": {"y": 2}}),
    ]
    _, columns, recs = records(write_file("d.jsonl", "\n".join(lines)))
    flattened = [c for c in columns if c.startswith("deep.")]
    assert len(flattened) == 1 and flattened[0].count(".") == MAX_FLAT_DEPTH - 1
    assert isinstance(recs[0].values[flattened[0]], dict)  # deeper levels stay one value
    assert recs[1].values is None and "same name" in recs[1].problem


def test_latin1_file_falls_back_and_keeps_accents(write_file):
    path = write_file("latin.csv", "customer_id,text\nc1,Très bon café à emporter\n", "latin-1")
    fmt, _, recs = records(path)
    assert fmt.encoding in ("cp1252", "latin-1")
    assert recs[0].values["text"] == "Très bon café à emporter"


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        ("klient,miasto\nc1,Łódź\nc2,Kraków\nc3,Gdańsk\nc4,Zielona Góra\n", "cp1250",
         "Windows-1250"),
        ("kund,ort\nc1,Malmö\nc2,Västerås\nc3,Umeå\nc4,Jönköping\n", "cp1252", "Windows-1252"),
        ("client,ville\nc1,Besançon\nc2,Nîmes\nc3,Orléans\nc4,Saint-Étienne\n", "cp1252",
         "Windows-1252"),
    ],
)  # fmt: skip
def test_a_single_byte_file_is_read_in_the_code_page_that_makes_words_of_it(
    write_file, text, encoding, label
):
    path = write_file("places.csv", text, encoding)
    fmt, _, recs = records(path)
    assert fmt.encoding_label == label
    assert [r.values[list(r.values)[1]] for r in recs] == [
        line.split(",")[1] for line in text.strip().split("\n")[1:]
    ]


def test_json_array_and_json_lines_are_streamed(write_file):
    data = [{"customer_id": "c1", "text": "a"}, {"customer_id": 2, "text": "b", "x": [1]}]
    _, cols_a, recs_a = records(write_file("a.json", json.dumps(data)))
    _, cols_b, recs_b = records(write_file("b.jsonl", "\n".join(json.dumps(d) for d in data)))
    assert cols_a == cols_b == ["customer_id", "text", "x"]
    assert [r.values for r in recs_a] == [r.values for r in recs_b] == data


def test_multiline_quoted_csv_field_is_one_record(write_file):
    path = write_file("m.csv", 'customer_id,text\nc1,"line one\nline two"\nc2,short\n')
    _, _, recs = records(path)
    assert [r.number for r in recs] == [1, 2]
    assert recs[0].values["text"] == "line one\nline two"


def test_row_with_wrong_number_of_values_is_a_record_problem(write_file):
    path = write_file("w.csv", "customer_id,text\nc1,fine\nc2,too,many,values\nc3,ok\n")
    _, _, recs = records(path)
    assert recs[1].values is None
    assert "4 values but the header has 2 columns" in recs[1].problem
    assert recs[2].values == {"customer_id": "c3", "text": "ok"}


def test_bad_json_line_is_a_record_problem_and_others_survive(write_file):
    path = write_file("l.jsonl", '{"customer_id": "c1", "text": "a"}\n{"customer_id": oops}\n[1]\n')
    _, _, recs = records(path)
    assert recs[0].values is not None
    assert "not valid JSON" in recs[1].problem
    assert "not an object" in recs[2].problem


def test_duplicate_and_blank_header_names_are_made_unique(write_file):
    _, columns, _ = records(write_file("h.csv", "text,text,\nA,B,C\n"))
    assert columns == ["text", "text_2", "column_3"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n   \n", "blank lines"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "Excel workbook"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (bytes(range(256)) * 20, "binary"),
        ("customer_id,text\nc1,Gut\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    ],
)
def test_unreadable_files_get_a_specific_message(write_file, content, message):
    with pytest.raises(UnreadableFileError, match=message):
        sniff_format(write_file("bad.bin", content))


def test_malformed_json_array_fails_as_a_whole(write_file):
    path = write_file("broken.json", '[{"customer_id": "c1", "text": "a"}, {"customer_id": ')
    fmt = sniff_format(path)
    with (
        pytest.raises(UnreadableFileError, match="malformed after record 1"),
        RecordReader(path, fmt) as reader,
    ):
        list(reader)


def test_explicit_delimiter_by_name(write_file):
    fmt = sniff_format(write_file("t.tsv", "a\tb\n1\t2\n"), delimiter="tab")
    assert fmt.delimiter == "\t"
