"""Labels in Korean and English, and the Korean way of writing won.

Every label a page shows is a key of :data:`LABELS`; :func:`t` picks the
language. Money is integer KRW: :func:`krw` writes ``₩12,345,678`` and
:func:`krw_man` the spoken Korean form (``1,234만 원``, ``1억 2,345만 원``).
"""

from __future__ import annotations

import math

LANGUAGES = {"ko": "한국어", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    # app and log-in
    "app_title": {"ko": "산단 에너지 자급자족 플랫폼", "en": "Park energy self-sufficiency platform"},
    "language": {"ko": "언어", "en": "Language"},
    "login": {"ko": "로그인", "en": "Log in"},
    "logout": {"ko": "로그아웃", "en": "Log out"},
    "username": {"ko": "아이디", "en": "User name"},
    "password": {"ko": "비밀번호", "en": "Password"},
    "login_failed": {"ko": "아이디 또는 비밀번호가 맞지 않습니다.", "en": "Wrong user name or password."},
    "login_hint": {"ko": "데모 계정은 ui/README.md를 보세요.", "en": "Demo accounts: see ui/README.md."},
    "login_required": {"ko": "로그인이 필요합니다 (세션이 끝났거나 로그아웃했습니다).",
                       "en": "Please log in (your session ended or you logged out)."},
    "login_locked": {"ko": "로그인 실패가 너무 많습니다. {minutes}분 뒤에 다시 시도하세요.",
                     "en": "Too many failed log-ins. Try again in {minutes} min."},
    "no_accounts": {"ko": "계정이 없습니다. 서버에서 `microgrid users add 아이디 --role manager` 로 만드세요 "
                          "(데모는 `microgrid ui --demo`).",
                    "en": "There are no accounts yet. Create one on the server with "
                          "`microgrid users add NAME --role manager` (or try `microgrid ui --demo`)."},
    "logged_out": {"ko": "로그아웃했습니다.", "en": "You are logged out."},
    "signed_in_as": {"ko": "로그인", "en": "Signed in as"},
    "role_manager": {"ko": "에너지 관리자", "en": "energy manager"},
    "role_analyst": {"ko": "분석가", "en": "analyst"},
    "role_tenant": {"ko": "입주기업", "en": "tenant"},
    "access_denied": {"ko": "이 자료를 볼 권한이 없습니다.", "en": "You may not see these data."},
    # page titles
    "page_login": {"ko": "로그인", "en": "Log in"},
    "page_park_today": {"ko": "오늘의 산단", "en": "Park today"},
    "page_my_trades": {"ko": "나의 거래", "en": "My trades"},
    "page_trades": {"ko": "입주기업 거래", "en": "Trades"},
    "page_re100": {"ko": "RE100", "en": "RE100"},
    "page_sunlight": {"ko": "햇빛소득", "en": "Sunlight income"},
    "page_my_income": {"ko": "나의 햇빛소득", "en": "My sunlight income"},
    "worker_caption": {"ko": "근로자 {worker} · 소속 {employer} · 입사 {start} · 배분 가중치 {weight}",
                       "en": "Worker {worker} · employer {employer} · since {start} · share weight {weight}"},
    "worker_paid_year": {"ko": "올해 받은 햇빛소득", "en": "Sunlight income received"},
    "worker_lag": {"ko": "자격 대기 기간", "en": "Eligibility lag"},
    "worker_lag_value": {"ko": "{n}개 분기", "en": "{n} quarter(s)"},
    "worker_next": {"ko": "다음 지급 예정 분기", "en": "Next payment for"},
    "worker_left": {"ko": "퇴사 (지급 없음)", "en": "left (no payment)"},
    "worker_nothing_yet": {"ko": "아직 받은 햇빛소득이 없습니다. 입사 후 {lag}개 분기의 대기 기간이 지나면 {first} 분기분부터 "
                                 "받습니다 (분기 종료 후 정산 때 지급).",
                           "en": "Nothing received yet: after the eligibility lag of {lag} quarter(s) you share from "
                                 "{first} on (paid when that quarter is settled, after it ends)."},
    "worker_eligible": {"ko": "지급 대상", "en": "Eligible"},
    "worker_settled": {"ko": "정산 완료", "en": "Settled"},
    "worker_paid": {"ko": "지급액", "en": "Paid"},
    "page_year": {"ko": "연간 분석", "en": "Year"},
    # common
    "day": {"ko": "운영일", "en": "Operating day"},
    "month": {"ko": "월", "en": "Month"},
    "year": {"ko": "연도", "en": "Year"},
    "hour": {"ko": "시각", "en": "Hour"},
    "participant": {"ko": "참여자", "en": "Participant"},
    "no_data": {"ko": "아직 자료가 없습니다.", "en": "No data yet."},
    "not_settled": {"ko": "정산 전", "en": "not settled"},
    "settled_at": {"ko": "정산 완료", "en": "settled"},
    # the manager's day
    "today_in_park": {"ko": "산단 시각 기준 오늘", "en": "today in the park's time"},
    "day_state": {"ko": "운영일 상태", "en": "State of the day"},
    "state_forecast": {"ko": "예측", "en": "Forecast"},
    "state_dispatched": {"ko": "급전계획", "en": "Dispatched"},
    "state_settled": {"ko": "정산", "en": "Settled"},
    "state_redispatched": {"ko": "재급전·보정", "en": "Re-dispatched"},
    "state_metered": {"ko": "계량 반영", "en": "Metered"},
    "state_closed": {"ko": "마감", "en": "Closed"},
    "state_done": {"ko": "완료", "en": "done"},
    "state_pending": {"ko": "대기", "en": "pending"},
    "not_dispatched": {"ko": "이 날의 급전계획이 아직 없습니다 (예측 단계).", "en": "This day is not dispatched yet (forecast only)."},
    "latest_day": {"ko": "최근 급전일 보기", "en": "Show the latest dispatched day"},
    "alarms": {"ko": "경보", "en": "Alarms"},
    "no_alarms": {"ko": "이 날 기록된 경보가 없습니다.", "en": "No alarms logged for this day."},
    "severity": {"ko": "심각도", "en": "Severity"},
    "sev_critical": {"ko": "위험", "en": "critical"},
    "sev_warning": {"ko": "주의", "en": "warning"},
    "sev_info": {"ko": "정보", "en": "info"},
    "element": {"ko": "설비", "en": "Element"},
    "message": {"ko": "내용", "en": "Message"},
    "suggested_action": {"ko": "권장 조치", "en": "Suggested action"},
    "value": {"ko": "값", "en": "Value"},
    "limit": {"ko": "한계", "en": "Limit"},
    "unit": {"ko": "단위", "en": "Unit"},
    "acknowledged": {"ko": "확인", "en": "Acknowledged"},
    "acknowledge": {"ko": "선택한 경보 확인 처리", "en": "Acknowledge the selected alarms"},
    "to_acknowledge": {"ko": "확인할 경보", "en": "Alarms to acknowledge"},
    "choose_alarms": {"ko": "경보를 고르세요", "en": "Choose alarms"},
    "critical_open": {"ko": "확인되지 않은 위험 경보 {n}건", "en": "{n} critical alarm(s) not acknowledged"},
    "hourly_plan": {"ko": "시간별 급전계획", "en": "Hourly plan"},
    "download_plan_csv": {"ko": "계획 CSV 내려받기", "en": "Download the plan (CSV)"},
    "download_plan_parquet": {"ko": "계획 Parquet 내려받기", "en": "Download the plan (Parquet)"},
    "redispatch_events": {"ko": "재급전과 정산 보정", "en": "Re-dispatch and corrections"},
    "no_redispatch": {"ko": "이 날 재급전·보정이 없습니다.", "en": "No re-dispatch or correction for this day."},
    "correction_total": {"ko": "참여자 보정 합계 (+ 받음, − 냄; 원장 전체 합은 0원)",
                         "en": "Participants' correction total (+ received, − paid; the ledger's sum is 0 KRW)"},
    "correction_sign": {"ko": "금액 [원]: + 받음, − 냄 (재급전 후 - 전일 계획)",
                        "en": "Amounts [KRW]: + received, − paid (re-dispatch minus day-ahead)"},
    "bill_kepco_part": {"ko": "한전 요금 (전력량·기후·연료·기금·부가세)", "en": "KEPCO (energy, adders, fund, VAT)"},
    "bill_other": {"ko": "기타", "en": "Other"},
    "col_total_krw": {"ko": "합계 [원]", "en": "Total [KRW]"},
    "rerun_settled_warning": {"ko": "{day}은(는) 이미 정산된 날입니다. 다시 실행하면 급전계획과 정산이 바뀝니다.",
                              "en": "{day} is already settled. Running it again replaces its dispatch and settlement."},
    "confirm_rerun": {"ko": "정산된 날을 다시 실행합니다", "en": "Yes, re-run a settled day"},
    "confirm_needed": {"ko": "정산된 날을 다시 실행하려면 확인란을 선택하세요.",
                       "en": "Tick the confirmation to re-run a settled day."},
    "state_now": {"ko": "현재 단계", "en": "The day is now"},
    "state_times": {"ko": "시각은 산단 시간", "en": "times in park time"},
    "tou_band": {"ko": "계시별 요금 시간대", "en": "TOU band"},
    "tou_caption": {"ko": "선: 각 설비의 한계 (긴 점선 수전 한도, 짧은 점선 역송 한도, 설비와 같은 색). "
                          "배경: {tariff}의 이 날 계시별 시간대",
                    "en": "Rules: each element's limits in its colour (long dashes import limit, dots reverse/export "
                          "limit). Background: the day's time-of-use bands of {tariff}"},
    "band_light": {"ko": "경부하", "en": "off-peak"},
    "band_mid": {"ko": "중간부하", "en": "mid"},
    "band_peak": {"ko": "최대부하", "en": "peak"},
    "source_pv": {"ko": "태양광", "en": "PV"},
    "source_wind": {"ko": "소형풍력", "en": "small wind"},
    "source_orc": {"ko": "폐열발전(ORC)", "en": "waste heat (ORC)"},
    "source_battery": {"ko": "ESS 방전", "en": "battery discharge"},
    "source_fuel_cell": {"ko": "연료전지", "en": "fuel cell"},
    "source_any": {"ko": "일반", "en": "any"},
    "source_renewable": {"ko": "재생에너지", "en": "renewable"},
    "source_other": {"ko": "기타", "en": "other"},
    "source_unknown": {"ko": "미상", "en": "unknown"},
    "trades_by_source": {"ko": "전원별 직접거래", "en": "Direct trades by source"},
    "trades_by_source_caption": {"ko": "판매자의 그 시간 발전 구성대로 나눈 거래량 (상품 구분이 있는 결과는 상품별)",
                                 "en": "Trades split by the seller's production mix of the hour (by product where the result has one)"},
    "no_trades": {"ko": "이 날 직접거래가 없습니다.", "en": "No direct trades this day."},
    "peak_vs_ratchet": {"ko": "최대수요와 요금적용전력", "en": "Peak demand against billing demand"},
    "peak_vs_ratchet_caption": {
        "ko": "요금적용전력: 당월과 직전 12개월 중 12월–2월, 7월–9월의 최대수요(중간·최대부하 시간) 중 큰 값, 계약전력의 30% 이상. "
              "이전 달 기준값을 넘은 날은 이번 달 기본요금을 올립니다. 월 청구값과 기본요금은 원장의 월 기본요금 정산 (그 달의 정산된 모든 날).",
        "en": "Billing demand: the highest mid/peak-hour demand of this month and of Dec-Feb and Jul-Sep of the last "
              "12 months, at least 30 % of contract power. A day above the earlier months' figure raises this "
              "month's basic charge. Billed kW and basic charge: the ledger's basic-charge settlement of the month (every settled day of it)."},
    "col_day_peak": {"ko": "이 날 최대수요 [kW]", "en": "Day's peak [kW]"},
    "col_month_peak": {"ko": "당월 최대수요 [kW]", "en": "Month's peak so far [kW]"},
    "col_ratchet": {"ko": "이전 달 기준 [kW]", "en": "Ratchet from earlier months [kW]"},
    "col_billing_demand": {"ko": "이 날까지 요금적용전력 [kW]", "en": "Billing demand to this day [kW]"},
    "col_billed": {"ko": "월 청구 (원장) [kW]", "en": "Billed for the month (ledger) [kW]"},
    "col_headroom": {"ko": "여유 [kW]", "en": "Headroom [kW]"},
    "col_peak_share": {"ko": "기준 대비 [%]", "en": "Peak / ratchet [%]"},
    "col_sets_new": {"ko": "기준 초과", "en": "Above ratchet"},
    "col_basic_krw": {"ko": "월 기본요금 [원]", "en": "Basic charge of the month [KRW]"},
    "tenants_above": {"ko": "이 날 기준을 넘은 입주사 {n}곳", "en": "{n} tenant(s) above their ratchet this day"},
    "yes": {"ko": "예", "en": "yes"},
    "no": {"ko": "아니오", "en": "no"},
    "col_time": {"ko": "시각 (산단 시간)", "en": "Time (park time)"},
    "col_load": {"ko": "부하 [kWh]", "en": "Load [kWh]"},
    "col_generation": {"ko": "발전 [kWh]", "en": "Generation [kWh]"},
    "col_traded": {"ko": "직접거래 [kWh]", "en": "Traded [kWh]"},
    "col_import": {"ko": "수전 [kWh]", "en": "Grid import [kWh]"},
    "col_export": {"ko": "역송 [kWh]", "en": "Grid export [kWh]"},
    "col_charge": {"ko": "ESS 충전 [kWh]", "en": "Battery charge [kWh]"},
    "col_discharge": {"ko": "ESS 방전 [kWh]", "en": "Battery discharge [kWh]"},
    "col_soc": {"ko": "ESS 충전량 [kWh]", "en": "Battery SOC [kWh]"},
    "col_transformer": {"ko": "변압기 조류 [kWh]", "en": "Transformer flow [kWh]"},
    "col_price": {"ko": "평균 청산가격 [원/kWh]", "en": "Mean clearing price [KRW/kWh]"},
    "col_cost": {"ko": "전력비용 [원]", "en": "Energy cost [KRW]"},
    "col_amount": {"ko": "금액 [원]", "en": "Amount [KRW]"},
    "col_detail": {"ko": "항목", "en": "Item"},
    # park today
    "load": {"ko": "부하", "en": "Load"},
    "generation": {"ko": "자체 발전", "en": "On-site generation"},
    "self_sufficiency": {"ko": "자급률", "en": "Self-sufficiency"},
    "traded": {"ko": "직접거래량", "en": "Traded directly"},
    "grid_import": {"ko": "한전 수전", "en": "Grid import"},
    "grid_export": {"ko": "역송", "en": "Grid export"},
    "park_cost": {"ko": "산단 전력비용", "en": "Park energy cost"},
    "grid_only_cost": {"ko": "한전 단독 비용", "en": "Grid-only cost"},
    "saving": {"ko": "절감액", "en": "Saving"},
    "gen_by_source": {"ko": "전원별 발전과 부하", "en": "Generation by source and load"},
    "battery_soc": {"ko": "ESS 충전상태", "en": "Battery state of charge"},
    "feeder_flows": {"ko": "배전선로 조류와 한계", "en": "Feeder flows against limits"},
    "transformer_flow": {"ko": "변압기 조류와 한계", "en": "Transformer flow against limits"},
    "clearing_prices": {"ko": "청산가격", "en": "Clearing prices"},
    "binding_limits": {"ko": "제약이 걸린 한계", "en": "Binding limits"},
    "none": {"ko": "없음", "en": "none"},
    "power_kw": {"ko": "전력 [kW]", "en": "Power [kW]"},
    "energy_kwh": {"ko": "전력량 [kWh]", "en": "Energy [kWh]"},
    "soc_kwh": {"ko": "충전량 [kWh]", "en": "State of charge [kWh]"},
    "price_krw_kwh": {"ko": "가격 [원/kWh]", "en": "Price [KRW/kWh]"},
    "unit_krw": {"ko": "원", "en": "KRW"},
    "amount_krw": {"ko": "금액 [원]", "en": "Amount [KRW]"},
    "time_kst": {"ko": "시각 [KST]", "en": "Time [KST]"},
    "source": {"ko": "전원", "en": "Source"},
    "series": {"ko": "항목", "en": "Series"},
    "limit": {"ko": "한계", "en": "Limit"},
    "flow": {"ko": "조류", "en": "Flow"},
    "export_price": {"ko": "역송 단가(SMP)", "en": "Export price (SMP)"},
    "run_day": {"ko": "급전계획·정산 실행", "en": "Run dispatch and settlement"},
    "run_button": {"ko": "실행", "en": "Run"},
    "run_forecast": {"ko": "발전·부하 예측 중", "en": "Forecasting generation and loads"},
    "run_dispatch": {"ko": "최적 급전 계산 중 (HiGHS)", "en": "Optimising the dispatch (HiGHS)"},
    "run_write": {"ko": "결과 저장 중", "en": "Writing the result"},
    "run_settle": {"ko": "원장에 정산 중", "en": "Settling on the ledger"},
    "run_done": {"ko": "완료", "en": "Done"},
    "run_failed": {"ko": "실행 실패", "en": "Run failed"},
    "no_dispatch": {"ko": "급전 결과가 없습니다. 아래에서 하루를 실행하세요.",
                    "en": "No dispatch result yet. Run a day below."},
    # trades and bills
    "counterpart": {"ko": "거래 상대", "en": "Counterpart"},
    "direction": {"ko": "구분", "en": "Direction"},
    "buy": {"ko": "구매", "en": "bought"},
    "sell": {"ko": "판매", "en": "sold"},
    "fee": {"ko": "수수료", "en": "Fee"},
    "hourly_trades": {"ko": "시간별 거래", "en": "Trades hour by hour"},
    "no_trades": {"ko": "이날 거래가 없습니다.", "en": "No trades on that day."},
    "stale_detail": {"ko": "정산 후 급전이 다시 실행되어 시간별 내역을 숨깁니다. 다시 정산하면 보입니다.",
                     "en": "The dispatch was re-run after settlement; hourly detail is hidden until it is settled again."},
    "bill_vs_kepco": {"ko": "나의 요금과 한전 단독 요금", "en": "My bill against KEPCO only"},
    "my_bill": {"ko": "나의 순비용", "en": "My net cost"},
    "kepco_only": {"ko": "한전 단독 요금", "en": "KEPCO-only bill"},
    "statement": {"ko": "월별 정산서", "en": "Monthly statement"},
    "download_csv": {"ko": "정산서 CSV 내려받기", "en": "Download statement (CSV)"},
    "download_html": {"ko": "정산서 HTML 내려받기", "en": "Download statement (HTML)"},
    # the KEPCO-style monthly bill (ui/views/bill_logic.py): + = the tenant pays, - = it receives
    "bill_title": {"ko": "월별 청구서 (한전 양식 + 산단 항목)", "en": "Monthly bill (KEPCO layout + park items)"},
    "bill_sign": {"ko": "부호: + = 내가 내는 돈, − = 내가 받는 돈 [원]. 한전 청구금액은 한전 항목만, 월 순액은 이 달의 장부 전체(한전 + 산단 항목)입니다.",
                  "en": "Sign: + = you pay, − = you receive [KRW]. The KEPCO amount covers KEPCO items only; the net covers all of this month's ledger (KEPCO + park items)."},
    "bill_scope_daily": {"ko": "위 '나의 순비용'은 정산일별 에너지 순비용 합계(기본요금 제외)이고, 아래 월 순액은 기본요금과 모든 항목을 포함합니다.",
                         "en": "'My net cost' above sums the settled days' energy net cost (no basic charge); the net below includes the basic charge and every item."},
    "bill_item": {"ko": "항목", "en": "Item"},
    "bill_quantity": {"ko": "수량", "en": "Quantity"},
    "bill_amount": {"ko": "금액 [원] (+ 지급, − 수령)", "en": "Amount [KRW] (+ pay, − receive)"},
    "bill_billed_demand": {"ko": "요금적용전력", "en": "Billed demand"},
    "bill_basic": {"ko": "기본요금", "en": "Basic (demand) charge"},
    "bill_energy_light": {"ko": "경부하 전력량요금", "en": "Energy charge, light load"},
    "bill_energy_mid": {"ko": "중간부하 전력량요금", "en": "Energy charge, mid load"},
    "bill_energy_peak": {"ko": "최대부하 전력량요금", "en": "Energy charge, peak load"},
    "bill_energy_other": {"ko": "기타 전력량요금", "en": "Energy charge, other"},
    "bill_climate": {"ko": "기후환경요금", "en": "Climate-environment charge"},
    "bill_fuel": {"ko": "연료비조정요금", "en": "Fuel-cost adjustment"},
    "bill_fund": {"ko": "전력산업기반기금", "en": "Power-industry fund"},
    "bill_vat": {"ko": "부가가치세", "en": "VAT"},
    "bill_kepco_other": {"ko": "기타 한전 항목", "en": "Other KEPCO items"},
    "bill_kepco_total": {"ko": "한전 청구금액", "en": "KEPCO amount billed"},
    "bill_trade_bought": {"ko": "직거래 구매", "en": "Direct trades bought"},
    "bill_trade_sold": {"ko": "직거래 판매", "en": "Direct trades sold"},
    "bill_platform_fee": {"ko": "플랫폼 수수료", "en": "Platform fees"},
    "bill_export": {"ko": "계통 판매 (SMP·REC)", "en": "Grid export (SMP, REC)"},
    "bill_imbalance": {"ko": "불균형 정산", "en": "Imbalance"},
    "bill_sunlight": {"ko": "햇빛소득", "en": "Sunlight income"},
    "bill_correction": {"ko": "재급전 정정", "en": "Re-dispatch corrections"},
    "bill_rounding": {"ko": "단수 조정", "en": "Rounding"},
    "bill_other": {"ko": "기타 산단 항목", "en": "Other park items"},
    "bill_park_total": {"ko": "산단 항목 합계", "en": "Park items total"},
    "bill_net": {"ko": "월 순액 (내가 낼 돈)", "en": "Net for the month (you pay)"},
    "bill_section_kepco": {"ko": "한전", "en": "KEPCO"},
    "bill_section_park": {"ko": "산단", "en": "Park"},
    # RE100
    "annual_match": {"ko": "연간 매칭률", "en": "Annual match"},
    "hourly_match": {"ko": "시간 매칭률(CFE)", "en": "Hourly match (CFE)"},
    "target": {"ko": "목표", "en": "Target"},
    "share": {"ko": "비율 [%]", "en": "Share [%]"},
    "by_source": {"ko": "재생에너지 출처별 비율", "en": "Renewable share by source"},
    "own": {"ko": "자가 발전", "en": "own generation"},
    "storage": {"ko": "ESS 경유", "en": "via storage"},
    "bought": {"ko": "직접거래 구매", "en": "bought directly"},
    "gap_kwh": {"ko": "목표까지 부족량", "en": "Still needed to target"},
    "recs_needed": {"ko": "필요 REC [개, 1 MWh]", "en": "RECs needed [1 MWh each]"},
    "rec_cost": {"ko": "REC 구매 비용", "en": "Cost with RECs"},
    "gp_cost": {"ko": "녹색프리미엄 비용", "en": "Cost with green premium"},
    "scope2": {"ko": "Scope 2 배출 (위치/시장 기반) [tCO2eq]", "en": "Scope 2 (location / market) [tCO2eq]"},
    "waste_heat_note": {"ko": "폐열(ORC) 전력과 ESS는 재생에너지가 아닙니다 (RE100 기술기준 v4.1).",
                        "en": "Waste-heat (ORC) power and storage are not renewable (RE100 Technical Criteria v4.1)."},
    "limit_forward": {"ko": "수전 한도", "en": "import limit"},
    "limit_reverse": {"ko": "역송 한도", "en": "export limit"},
    "re100_nothing_counts": {"ko": "이 기간에는 RE100에 인정되는 전력이 없습니다: 쓴 전력은 폐열(ORC)·ESS·한전 전력뿐이고, 이는 재생에너지가 아닙니다. 태양광·풍력 전력을 직접 거래하거나 REC를 구매하면 반영됩니다.",
                             "en": "Nothing counts toward RE100 in this period: the power used came only from waste heat (ORC), storage or KEPCO, none of which is renewable. Buying solar or wind power from the park or RECs would count."},
    "ytd": {"ko": "연초 이후 누계", "en": "Year to date"},
    # sunlight income
    "fund_inflow": {"ko": "기금 적립", "en": "Paid into the fund"},
    "paid_tenants": {"ko": "입주기업 배분", "en": "Paid to tenants"},
    "paid_workers": {"ko": "근로자 배분", "en": "Paid to workers"},
    "fund_balance": {"ko": "기금 잔액", "en": "Fund balance"},
    "per_worker": {"ko": "1인당 배분", "en": "Per worker"},
    "heads": {"ko": "인원 [명]", "en": "Heads"},
    "quarter": {"ko": "분기", "en": "Quarter"},
    "contribution": {"ko": "기금 납입", "en": "Contribution"},
    "income_history": {"ko": "분기별 이력", "en": "History by quarter"},
    "income_by_participant": {"ko": "참여자별 배분", "en": "Payout by participant"},
    "income_lag_note": {"ko": "새로 정산을 시작한 참여자는 {lag}개 분기를 기다린 뒤 배분에 참여합니다 (첫 정산 분기 {start}, 첫 배분 분기 {first}). 그 전 분기의 지급액은 0원입니다. 다음 지급일: {next} (분기 마감 후).",
                        "en": "A participant joins the split {lag} quarter(s) after it was first settled (first settled {start}, first eligible {first}); before that its payout is ₩0. Next payment date: {next} (after the quarter closes)."},
    "no_income": {"ko": "아직 햇빛소득 정산이 없습니다 (microgrid income --quarter).",
                  "en": "No sunlight income settled yet (microgrid income --quarter)."},
    # year / batch
    "batch_empty": {"ko": "배치 결과가 없습니다. `microgrid batch`로 시나리오 연간 분석을 실행하면 여기에 나타납니다.",
                    "en": "No batch results yet. Run `microgrid batch` for a year of scenarios; they appear here."},
    "batch_file": {"ko": "배치 결과 파일", "en": "Batch result file"},
    "scenario": {"ko": "시나리오", "en": "Scenario"},
    "variable": {"ko": "변수", "en": "Variable"},
    "total": {"ko": "합계", "en": "Total"},
    "year_aggregation": {"ko": "에너지와 금액은 기간 합계, 가격과 충전 상태(SOC)는 기간 평균입니다.",
                         "en": "Energy and money are summed over the span; prices and the state of charge are averaged."},
    "annual_figures": {"ko": "연간 지표", "en": "Annual figures"},
    # the printable statements (ui/statement_print.py): the tenant's monthly page and a worker's year
    "print_title": {"ko": '전기요금 및 산단 직거래 정산서', "en": 'Electricity bill and park trading statement'},
    "print_park": {"ko": '산업단지', "en": 'Park'},
    "print_customer": {"ko": '고객명', "en": 'Customer'},
    "print_customer_id": {"ko": '고객번호', "en": 'Customer id'},
    "print_month": {"ko": '청구월', "en": 'Billing month'},
    "print_period": {"ko": '사용기간', "en": 'Period of use'},
    "print_tariff": {"ko": '계약종별', "en": 'Tariff'},
    "print_contract_power": {"ko": '계약전력', "en": 'Contract power'},
    "print_days_settled": {"ko": '정산일수', "en": 'Days settled'},
    "print_issued": {"ko": '발행일', "en": 'Issued'},
    "print_sign": {"ko": '금액 부호: + 납부하실 금액, − 받으실 금액 (원, 원 단위 절사 없음).', "en": 'Sign of amounts: + you pay, − you receive (KRW, whole won).'},
    "print_kepco_section": {"ko": '한전 전기요금 (한전 고지서와 같은 항목)', "en": 'KEPCO electricity bill (as KEPCO itemises it)'},
    "print_park_section": {"ko": '산단 직접전력거래 및 기타 항목', "en": 'Park direct trading and other items'},
    "print_total_section": {"ko": '이달 합계', "en": 'Total for the month'},
    "print_item": {"ko": '항목', "en": 'Item'},
    "print_quantity": {"ko": '사용량', "en": 'Quantity'},
    "print_amount": {"ko": '금액 [원]', "en": 'Amount [KRW]'},
    "print_net": {"ko": '이달 순 납부액', "en": 'Net amount for the month'},
    "print_net_receive": {"ko": '이달 순 수령액', "en": 'Net amount you receive this month'},
    "print_re100_section": {"ko": 'RE100 이행 현황', "en": 'RE100 progress'},
    "print_re100_period_month": {"ko": '이달', "en": 'This month'},
    "print_re100_period_ytd": {"ko": '올해 누계', "en": 'Year to date'},
    "print_re100_load": {"ko": '사용전력량', "en": 'Consumption'},
    "print_re100_renewable": {"ko": '재생에너지 사용량', "en": 'Renewable energy used'},
    "print_re100_annual": {"ko": '연간 매칭률', "en": 'Annual match'},
    "print_re100_hourly": {"ko": '시간별 매칭률', "en": 'Hourly match'},
    "print_re100_market": {"ko": 'Scope 2 (시장기반)', "en": 'Scope 2 (market-based)'},
    "print_re100_none": {"ko": '이달 RE100에 인정되는 재생에너지 사용량이 없습니다.', "en": 'No renewable energy counts toward RE100 this month.'},
    "print_days_section": {"ko": '일별 내역', "en": 'Day by day'},
    "print_day": {"ko": '일자', "en": 'Day'},
    "print_day_kepco": {"ko": '한전 요금', "en": 'KEPCO'},
    "print_day_trades": {"ko": '직거래', "en": 'Direct trades'},
    "print_day_other": {"ko": '기타', "en": 'Other'},
    "print_day_net": {"ko": '합계', "en": 'Total'},
    "print_footer": {"ko": '이 정산서는 산단 장부(복식부기)의 이달 기록으로 작성되었습니다. 한전 요금은 각 일자에 유효한 요금표로 계산합니다.', "en": "Drawn from this month's entries of the park's ledger (double entry). KEPCO charges use the tariff in force on each day."},
    "print_worker_title": {"ko": '햇빛소득 근로자 지급 명세서', "en": "Sunlight income: worker's statement"},
    "print_worker_worker": {"ko": '근로자 번호', "en": 'Worker id'},
    "print_worker_employer": {"ko": '소속 기업', "en": 'Employer'},
    "print_worker_start": {"ko": '입사일', "en": 'Employed since'},
    "print_worker_weight": {"ko": '배분 가중치', "en": 'Share weight'},
    "print_worker_first": {"ko": '첫 지급 대상 분기', "en": 'First quarter shared'},
    "print_worker_next": {"ko": '다음 지급 예정', "en": 'Next payment'},
    "print_worker_next_value": {"ko": '{q} 분기분 (분기 종료 후 정산 시 지급)', "en": 'for {q} (paid when that quarter is settled, after it ends)'},
    "print_worker_left": {"ko": '퇴사 (더 이상 지급 없음)', "en": 'left (no further payments)'},
    "print_worker_settled": {"ko": '정산', "en": 'Settled'},
    "print_worker_paid": {"ko": '지급액 [원]', "en": 'Paid [KRW]'},
    "print_worker_total": {"ko": '연간 합계', "en": 'Total for the year'},
    "print_worker_footer": {"ko": '산단 장부의 본인 계정(worker:번호) 기록만으로 작성되었습니다. 다른 근로자의 정보는 포함되지 않습니다.', "en": 'Drawn only from your own ledger account (worker:id); nothing of other workers is shown.'},
}


def t(key: str, lang: str = "ko") -> str:
    """The label ``key`` in ``lang`` (``ko`` or ``en``); the key itself when unknown."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def krw(amount: float) -> str:
    """``₩12,345,678`` (rounded to whole won; a minus sign before the symbol)."""
    value = int(round(float(amount)))
    return f"-₩{-value:,}" if value < 0 else f"₩{value:,}"


def krw_man(amount: float) -> str:
    """Korean reading of an amount: ``1,234만 원``, ``1억 2,345만 원``, ``8,500원``.

    Amounts of 10,000 KRW and more are rounded to the nearest 만 (10^4).
    """
    value = float(amount)
    if not math.isfinite(value):
        return "-"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value < 10_000:
        return f"{sign}{int(round(value)):,}원"
    man = int(round(value / 10_000))
    eok, rest = divmod(man, 10_000)
    if eok == 0:
        return f"{sign}{man:,}만 원"
    if rest == 0:
        return f"{sign}{eok:,}억 원"
    return f"{sign}{eok:,}억 {rest:,}만 원"


def money(amount: float, lang: str = "ko") -> str:
    """Money as a headline figure: the Korean reading in Korean, ``₩`` with digits in English."""
    return krw_man(amount) if lang == "ko" else krw(amount)


def kwh(value: float) -> str:
    """``12,345 kWh`` (``1,234.5 MWh`` from 10 MWh up)."""
    value = float(value)
    return f"{value / 1000:,.1f} MWh" if abs(value) >= 10_000 else f"{value:,.0f} kWh"


def percent(value: float) -> str:
    """``12.3 %``."""
    return f"{100 * float(value):.1f} %"
