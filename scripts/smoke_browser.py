"""Headless Chromium through chromedriver (Debian's), no downloads: sign in and screenshot."""
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

base, art = sys.argv[1], sys.argv[2]
options = webdriver.ChromeOptions()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
    options.add_argument(flag)
options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
problems = []
try:
    driver.get(base + "/login")
    if "Sentinel" not in driver.title:
        problems.append("login page title: %r" % driver.title)
    driver.find_element(By.ID, "username").send_keys("demo-epidemiologist")
    driver.find_element(By.ID, "password").send_keys("sentinel-demo")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.tiles")))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    if "Xin chào" not in heading:
        problems.append("home heading: %r" % heading)
    driver.save_screenshot(art + "/smoke-home.png")
    driver.get(base + "/areas/731")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    if len(rows) != 30:
        problems.append("Biên Hòa should list its 30 communes (2021 list), saw %d" % len(rows))
    driver.set_window_size(360, 800)
    driver.save_screenshot(art + "/smoke-areas-360.png")
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            problems.append("console: " + entry.get("message", ""))
finally:
    driver.quit()
if problems:
    print("smoke test failed:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("smoke test passed: signed in, home and area pages rendered, no console errors")
