package org.quipu.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (both paths set, so Selenium
 * Manager never tries to download a browser), with the small helpers the page objects use.
 */
public final class Browser implements AutoCloseable {

  private static final String CHROMIUM = System.getProperty("quipu.chromium", "/usr/bin/chromium");
  private static final String DRIVER = System.getProperty("quipu.chromedriver", "/usr/bin/chromedriver");

  private final WebDriver driver;
  private final String base;

  /** @param base the console's URL, e.g. {@code http://127.0.0.1:8080/console/} */
  public Browser(String base, int width, int height) {
    this.base = base.endsWith("/") ? base : base + "/";
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(Path.of(DRIVER).toFile()).build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
  }

  public WebDriver driver() {
    return driver;
  }

  /** Opens a console page by its path below {@code /console/}. */
  public Browser open(String consolePath) {
    driver.get(base + consolePath);
    return this;
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public boolean present(String css) {
    return !driver.findElements(By.cssSelector(css)).isEmpty();
  }

  /**
   * The text of an element. Live regions of the console replace their content every 5 s, so an
   * element found a moment ago can go stale: then it is found again.
   */
  public String text(String css) {
    return fresh(() -> find(css).getText());
  }

  /** The texts of every element {@code css} matches, read again if a live region replaced them. */
  public java.util.List<String> texts(String css) {
    return fresh(() -> driver.findElements(By.cssSelector(css)).stream()
        .map(WebElement::getText).toList());
  }

  /** Clicks an element that may sit in a live region (found again if it was replaced). */
  public void click(String css) {
    fresh(() -> {
      find(css).click();
      return null;
    });
  }

  private static <T> T fresh(java.util.function.Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (StaleElementReferenceException replaced) {
        if (attempt == 3) {
          throw replaced;
        }
      }
    }
  }

  public Browser type(String css, String text) {
    WebElement field = find(css);
    field.clear();
    field.sendKeys(text);
    return this;
  }

  /** Clicks and waits for the next page to load (the old one goes stale). */
  public Browser submit(String css) {
    WebElement html = find("html");
    fresh(() -> {
      find(css).click();
      return null;
    });
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> gone(html));
    return this;
  }

  /**
   * Whether an element's document was replaced. Chromium 156 sometimes reports a replaced node
   * as "does not belong to the document" rather than as a stale element; both mean gone.
   */
  private static boolean gone(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (StaleElementReferenceException e) {
      return true;
    } catch (WebDriverException e) {
      if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  public Browser waitFor(String css) {
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    return this;
  }

  public String path() {
    String url = driver.getCurrentUrl();
    int console = url.indexOf("/console/");
    return console < 0 ? url : url.substring(console + "/console/".length());
  }

  /** Saves a PNG of the whole page (the window grows to its height, up to 3000 px). */
  public void screenshot(Path dir, String name) {
    Dimension window = driver.manage().window().getSize();
    Number height = (Number) ((JavascriptExecutor) driver)
        .executeScript("return document.documentElement.scrollHeight;");
    driver.manage().window().setSize(
        new Dimension(window.getWidth(), Math.min(3000, Math.max(window.getHeight(), height.intValue() + 140))));
    try {
      Files.createDirectories(dir);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
