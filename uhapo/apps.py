from django.contrib.admin.apps import AdminConfig


class UhapoAdminConfig(AdminConfig):
    """Django's admin app with our site (password plus TOTP) as the default."""

    default_site = "uhapo.admin_site.UhapoAdminSite"
