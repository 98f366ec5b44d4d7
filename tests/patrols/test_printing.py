"""The label sheet and the patrol record as PDFs: Chinese, the CJK font embedded, the QR codes drawn."""
import io
import re

from pypdf import PdfReader

from models import Role

from ..pdf import assert_cjk_font_embedded_as_subset, pdf_page_count, pdf_text
from .helpers import device_time, local_hhmm, make_round, make_route, post_result
from .test_findings import report_lamp


def drawn_paths(data: bytes) -> int:
    """Path segments drawn on the pages: a QR code is hundreds of small squares."""
    content = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages)
    return len(re.findall(rb"\s(?:l|re|h)\s", content))


def test_the_label_sheet_prints_a_qr_code_name_and_code_per_checkpoint(client, prop, login_as, tmp_path):
    login_as(Role.SUPERVISOR)
    route = make_route(prop, codes=("A1", "B2", "C3", "D4", "E5"))
    response = client.get(f"/patrols/routes/{route.id}/labels.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "inline" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for expected in ("巡查点二维码标签", "恒宇花园", "公共区域日常巡查", "1层 大堂", "1层 消防通道", "HY-A1", "HY-E5"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)
    empty_route = make_route(prop, name="空路线", codes=())
    assert drawn_paths(response.data) > 5 * 100 > drawn_paths(client.get(f"/patrols/routes/{empty_route.id}/labels.pdf").data)


def test_the_patrol_record_prints_times_results_findings_and_photos(client, prop, login_as, tmp_path):
    login_as(Role.CONCIERGE, username="floor")
    route = make_route(prop)
    round_ = make_round(prop, route)
    first, second, third = route.checkpoints
    times = [device_time(m) for m in (25, 15, 5)]
    post_result(client, round_, first, key="1" * 32, client_time=times[0])
    report_lamp(client, round_, second, prop, client_time=times[1])
    post_result(client, round_, third, "skipped", code="", reason="门锁无法进入", key="3" * 32, client_time=times[2])
    client.post_form(f"/patrols/rounds/{round_.id}/finish", {"note": "雨天，花园积水"})
    response = client.get(f"/patrols/rounds/{round_.id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("巡查记录表", round_.number, "公共区域日常巡查", *map(local_hhmm, times), "正常", "异常",
                     "楼道灯不亮", "工程部", "已派工", "跳过", "门锁无法进入", "未核验", "雨天，花园积水", "巡查人签字"):
        assert expected in text, expected
    assert_cjk_font_embedded_as_subset(response.data, tmp_path)
    images = [image for page in PdfReader(io.BytesIO(response.data)).pages for image in page.images]
    assert len(images) == 1  # the photo of the abnormal checkpoint, as a thumbnail
    assert pdf_page_count(response.data) == 1
