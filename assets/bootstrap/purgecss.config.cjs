// Where build-css.sh looks for class names. CRISPY_DIRS is set by the script
// to the installed django-crispy-forms and crispy-bootstrap5 packages, whose
// templates and Python code add classes (form-control, is-invalid, ...).
const path = require("path");

const root = process.env.PROJECT_ROOT;
const crispyDirs = (process.env.CRISPY_DIRS || "").split(":").filter(Boolean);

module.exports = {
  content: [
    path.join(root, "templates/**/*.html"),
    path.join(root, "*/templates/**/*.html"),
    path.join(root, "{booking,content,uhapo}/**/*.py"),
    path.join(root, "static/js/**/*.js"),
    ...crispyDirs.flatMap((dir) => [path.join(dir, "**/*.html"), path.join(dir, "**/*.py")]),
  ],
  skippedContentGlobs: [
    "**/node_modules/**",
    "**/migrations/**",
    // crispy-forms layout objects the booking form does not use (floating
    // labels, input groups, switches, tabs, accordions, modals). Using one
    // means taking it off this list and running build-css.sh again.
    "**/crispy_forms/bootstrap.py",
    "**/bootstrap5/layout/{floating_field,field_with_buttons,field_file,prepended_appended_text}.html",
    "**/bootstrap5/layout/{switch,tab,tab-link,modal}.html",
    "**/bootstrap5/{accordion,accordion-group}.html",
  ],
};
