package org.quipu.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.Map;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.WebApplicationTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/**
 * Renders the console's Thymeleaf templates from {@code /WEB-INF/templates/*.html}. The engine is
 * built once, on the first page, from the servlet context; parsed templates are cached.
 */
@ApplicationScoped
public class Pages {

  private volatile Engine engine;

  private record Engine(JakartaServletWebApplication application, TemplateEngine templates) {}

  /** The page {@code template} rendered with {@code model}, as HTML. */
  public String render(String template, Map<String, Object> model,
      HttpServletRequest request, HttpServletResponse response) {
    Engine e = engine(request);
    var context = new WebContext(e.application().buildExchange(request, response), Locale.ENGLISH);
    context.setVariables(model);
    return e.templates().process(template, context);
  }

  private Engine engine(HttpServletRequest request) {
    Engine e = engine;
    if (e == null) {
      synchronized (this) {
        if (engine == null) {
          var application = JakartaServletWebApplication.buildApplication(request.getServletContext());
          var resolver = new WebApplicationTemplateResolver(application);
          resolver.setPrefix("/WEB-INF/templates/");
          resolver.setSuffix(".html");
          resolver.setTemplateMode(TemplateMode.HTML);
          resolver.setCharacterEncoding("UTF-8");
          resolver.setCacheable(true);
          var templates = new TemplateEngine();
          templates.setTemplateResolver(resolver);
          engine = new Engine(application, templates);
        }
        e = engine;
      }
    }
    return e;
  }
}
