"""Drives the card-sandbox console in headless Chromium (tests/browser/run starts the
sandbox and calls this). Each step saves a screenshot NN-name.png in --out; a failing
step is named, with its screenshot, and the script exits 1."""

import argparse
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

TENANT = "browser"


class Console:
    def __init__(self, base, token, out):
        self.base, self.token, self.out = base, token, out
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--window-size=1440,1000", "--disable-gpu"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        self.step_no = 0

    def wait(self, condition, timeout=15):
        # Panels re-render as answers arrive: an element found a moment ago may be gone.
        return WebDriverWait(self.driver, timeout,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition)

    def find(self, css):
        return self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def click(self, css):
        self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, css))).click()

    def text_in(self, css, text, timeout=15):
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), timeout)

    def tab(self, name):
        self.click(f'nav.tabs button[data-tab="{name}"]')

    def subtab(self, name):
        self.click(f'#data-tabs button[data-sub="{name}"]')

    def shot(self, name):
        path = f"{self.out}/{self.step_no:02d}-{name}.png"
        self.driver.save_screenshot(path)
        return path

    def run_sim(self, sim, values):
        form = self.find(f'#act-view form[data-sim="{sim}"]')
        for name, value in values.items():
            field = form.find_element(By.NAME, name)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.clear()
                field.send_keys(value)
        # Forget the previous answer, then wait for this one.
        result = form.find_element(By.XPATH, "following-sibling::div[@class='result']")
        self.driver.execute_script("arguments[0].replaceChildren()", result)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait(lambda d: result.find_elements(By.CSS_SELECTOR, "[data-created-id]")
                  or result.find_elements(By.CSS_SELECTOR, ".pill.bad"))
        pill = result.find_element(By.CSS_SELECTOR, ".pill")
        if "bad" in pill.get_attribute("class") and not pill.get_attribute("data-created-id"):
            raise AssertionError(f"{sim} was refused: {pill.text}")
        return pill.get_attribute("data-created-id")

    def last_pill_text(self, form):
        return form.find_element(By.XPATH, "following-sibling::div[@class='result']//span").text

    def log_errors(self):
        try:
            return [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        except Exception:  # noqa: BLE001 - not every driver keeps logs
            return []


def steps(c):
    d = c.driver

    def open_console():
        d.get(c.base + "/")
        c.click("#console-link")
        c.wait(EC.visibility_of_element_located((By.ID, "token-input")))
        c.find("#token-input").send_keys(c.token)
        c.click('#token-form button[type=submit]')
        c.text_in("#tenant-select", "default")
        c.text_in("#tenant-detail", "base URL")

    def create_tenant():
        c.tab("tenants")
        form = c.find("#create-form")
        form.find_element(By.NAME, "id").send_keys(TENANT)
        form.find_element(By.NAME, "seed").send_keys("7")
        scenario = Select(form.find_element(By.NAME, "scenario"))
        assert scenario.first_selected_option.text == "default", "default is preselected"
        scenario.select_by_value("default")
        Select(form.find_element(By.NAME, "credentials")).select_by_value("fresh")
        c.click("#create-button")
        c.text_in("#tenant-detail", "/t/" + TENANT)
        c.text_in("#tenant-detail", "curl -s")
        assert Select(c.find("#tenant-select")).first_selected_option.text == TENANT

    def hypercard_consume():
        c.tab("data")
        c.subtab("hypercard")
        c.find("#data-view table tbody tr")
        # The card with the most money, so the consumption goes through. The table is
        # re-rendered as the balances arrive, so read it again if it changed under us.
        def amount(text):
            try:
                return float(text.replace(",", ""))
            except ValueError:  # "—": the card has no balance to show
                return 0.0

        def read_rows(_driver):
            try:
                return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                        for tr in d.find_elements(
                            By.CSS_SELECTOR, "#data-view > .card:first-child table tbody tr")]
            except StaleElementReferenceException:
                return False

        rows = c.wait(read_rows)
        card, _, before = max(rows, key=lambda r: amount(r[2]))[:3]
        c.tab("act")
        tx = c.run_sim("hypercard/consume", {"card_id": card, "amount": "12.34"})
        assert tx, "no tx id in the answer"
        c.tab("data")
        c.subtab("hypercard")
        c.find(f'#data-view td[title="{card}"]').click()
        c.text_in("#hc-records", tx)
        def balance_now(_driver):
            try:
                row = d.find_element(By.CSS_SELECTOR, f'#data-view td[title="{card}"]')
                return row.find_element(By.XPATH, "..").find_elements(By.TAG_NAME, "td")[2].text
            except StaleElementReferenceException:
                return False

        after = c.wait(balance_now)
        assert after != before, f"balance stayed {before}"
        # The records' raw answer, as the provider wrote it.
        c.wait(EC.element_to_be_clickable(
            (By.XPATH, '//*[@id="hc-records"]//button[text()="Raw JSON"]'))).click()
        c.text_in("#raw-body", f'"tx_id": "{tx}"')
        c.shot("raw-json")
        c.click("#raw-close")
        print(f"    card {card}: {before} -> {after}, record {tx}")

    def listed_row(value):
        """The text of the Interlace listing row showing `value`: the listings are per
        account, so each account is tried until the row shows."""
        def row_text(_driver):
            try:
                row = d.find_element(By.CSS_SELECTOR, f'#data-view td[title="{value}"]')
                return row.find_element(By.XPATH, "..").text
            except (StaleElementReferenceException, NoSuchElementException):
                return False

        accounts = [o.get_attribute("value") for o in Select(c.find("#il-account")).options]
        for account in accounts:
            Select(c.find("#il-account")).select_by_value(account)
            try:
                return c.wait(row_text, timeout=4)
            except TimeoutException:
                continue
        return None

    def interlace_auth_clearing():
        c.tab("act")
        form = c.find('#act-view form[data-sim="interlace/card-transaction"]')
        cards = [o.get_attribute("value") for o in
                 Select(form.find_element(By.NAME, "cardId")).options]
        auth = None
        for card in cards:  # the first card with the money for it
            auth = c.run_sim("interlace/card-transaction",
                             {"cardId": card, "type": "authorization", "amount": "25"})
            if c.last_pill_text(form) == "created":
                break
        else:
            raise AssertionError(f"every card declined the authorisation: {cards}")
        c.run_sim("interlace/card-transaction", {"type": "clearing", "amount": "25", "transactionId": auth})
        c.tab("data")
        c.subtab("il-tx")

        text = listed_row(auth)
        assert text, f"the authorisation {auth} is listed under no account"
        assert "CLOSED" in text, f"the authorisation is not closed by its clearing: {text}"
        print(f"    authorisation {auth} cleared")

    def fault_preset():
        c.tab("faults")
        c.click('[data-preset="hc-b0000"] button')
        c.text_in('[data-preset="hc-b0000"]', "armed")
        c.click("#try-hypercard")
        c.text_in("#try-result", "B0000")
        c.text_in('[data-preset="hc-b0000"] .fired', "fired 1")
        c.shot("fault-fired")
        c.click('[data-preset="hc-b0000"] button')
        c.text_in('[data-preset="hc-b0000"]', "off")

    def clock_settles_transfer():
        c.tab("act")
        dep = c.run_sim("interlace/deposit", {"amount": "500", "outcome": "closed"})
        c.tab("data")
        c.subtab("il-btx")
        text = listed_row(dep)
        assert text, f"the deposit {dep} is listed under no account"
        assert "CLOSED" not in text, f"deposit already settled: {text}"
        c.shot("transfer-pending")
        c.tab("clock")
        # The default scenario steps an inbound transfer every 2 days (PENDING, CLOSED).
        field = c.find("#advance-seconds")
        field.clear()
        field.send_keys(str(5 * 86400))
        c.click("#advance-custom")
        c.text_in("#clock-result", "events ran")
        c.tab("data")
        c.subtab("il-btx")
        text = listed_row(dep)
        assert text and "CLOSED" in text, f"deposit not settled after 5 days: {text}"

    def redeliver_webhook():
        c.tab("webhooks")
        c.text_in("#webhooks-view", "deliveries")

        def first_delivery(d):
            row = d.find_element(By.CSS_SELECTOR, "tr[data-delivery]")
            return row.get_attribute("data-delivery"), int(row.find_elements(By.TAG_NAME, "td")[4].text)
        delivery, attempts = c.wait(first_delivery)
        c.click(f'tr[data-delivery="{delivery}"] button.redeliver')
        c.text_in("#toast", "Redelivered " + delivery)
        c.wait(lambda d: int(d.find_element(By.CSS_SELECTOR, f'tr[data-delivery="{delivery}"]')
                             .find_elements(By.TAG_NAME, "td")[4].text) > attempts)

    def export_yaml():
        c.tab("tenants")
        c.click("#export-tenant")
        c.text_in("#export-preview", "hypercard")

    def live_journal():
        c.tab("live")
        c.text_in("#journal-view", "/openapi/card/balance")
        c.text_in("#invariants-view", "all hold")

    def every_panel_loads():
        # Each data view answers 200 from its provider; each other tab renders.
        c.tab("data")
        for sub in ("hypercard", "opcard", "il-accounts", "il-cards", "il-tx", "il-negatives",
                    "il-business", "il-btx", "il-legal"):
            c.subtab(sub)
            c.wait(lambda d: not d.find_elements(By.XPATH, '//*[@id="data-view"]/div[@class="muted" and text()="Loading…"]')
                   and d.find_elements(By.CSS_SELECTOR, "#data-view .card"))
            if sub == "il-accounts":
                c.find("#data-view table tbody tr").click()
                c.text_in("#data-view", "Wallets of")
            time.sleep(0.3)  # let the panel's last answers render before the screenshot
            c.driver.execute_script("window.scrollTo(0, 0)")
            # Answer lines and load errors, not the records' own status pills.
            bad = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#data-view .pill.bad")
                   if e.text.startswith(("HTTP", "no answer")) or e.tag_name == "div"]
            assert not bad, f"{sub}: {bad}"
            c.shot("data-" + sub)
        for tab in ("act", "clock", "webhooks"):
            c.tab(tab)
            c.find(f"#tab-{tab} .card, #tab-{tab} .sim")
            c.shot("tab-" + tab)

    def readme_screenshot():
        # The README's picture (docs/console.png): HyperCard data, no toasts.
        c.driver.set_window_size(1280, 860)
        c.tab("data")
        c.subtab("hypercard")
        c.find("#hc-records table tbody tr")
        time.sleep(0.5)  # the records' last answers
        c.driver.execute_script("document.getElementById('toast').replaceChildren(); window.scrollTo(0, 0)")
        c.driver.save_screenshot(f"{c.out}/console-readme.png")

    return [
        ("open-console", open_console),
        ("create-tenant", create_tenant),
        ("hypercard-consume", hypercard_consume),
        ("interlace-authorisation-clearing", interlace_auth_clearing),
        ("fault-preset", fault_preset),
        ("clock-settles-transfer", clock_settles_transfer),
        ("redeliver-webhook", redeliver_webhook),
        ("export-yaml", export_yaml),
        ("live-journal", live_journal),
        ("every-panel-loads", every_panel_loads),
        ("readme-screenshot", readme_screenshot),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    c = Console(args.base, args.token, args.out)
    failed = None
    try:
        for name, step in steps(c):
            c.step_no += 1
            started = time.monotonic()
            try:
                step()
            except Exception as e:  # noqa: BLE001 - any failure names its step
                shot = c.shot(name + "-FAILED")
                what = "timed out waiting for the page" if isinstance(e, TimeoutException) else str(e)
                failed = (f"step {c.step_no} {name} failed: {type(e).__name__}: "
                          f"{what.splitlines()[0] if what else ''}\n  screenshot: {shot}")
                for entry in c.log_errors():
                    failed += f"\n  browser: {entry.get('message')}"
                break
            shot = c.shot(name)
            print(f"ok  {c.step_no:02d} {name} ({time.monotonic() - started:.1f} s) {shot}")
    finally:
        c.driver.quit()
    if failed:
        print("FAILED " + failed, file=sys.stderr)
        sys.exit(1)
    print("browser: all console steps passed")


if __name__ == "__main__":
    main()
