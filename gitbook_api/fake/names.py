"""Word lists the seeded world draws its titles from, and the hostile payloads."""

ORGANIZATIONS = [
    "Acme Corp",
    "Northwind Labs",
    "Globex Engineering",
    "Initech Docs",
    "Umbrella Platform",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli Developer Hub",
]
SECOND_ORGANIZATIONS = ["Acme Sandbox", "Open Source Program", "Acme Archive", "Labs Playground"]
READ_ONLY_ORGANIZATIONS = ["Partner Network", "Customer Success Guild", "Vendor Portal"]

USERS = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Linus Torvalds"]

COLLECTIONS = [
    "Engineering",
    "Product",
    "Support",
    "Marketing",
    "Sales Enablement",
    "People & HR",
    "Platform",
    "Mobile",
    "Security",
    "Data",
    "Design System",
    "Infrastructure",
    "Customer Success",
    "Legal",
    "Finance",
    "Archive",
    "Onboarding",
    "Partners",
    "Releases",
    "Research",
]
COLLECTION_DESCRIPTIONS = [
    "Everything the team writes down.",
    "Guides and references for customers.",
    "Internal runbooks and processes.",
    "",
    "Deprecated content kept for reference.",
]

SPACE_SUBJECTS = [
    "Billing",
    "Payments",
    "Auth",
    "Search",
    "Notifications",
    "Webhooks",
    "Mobile SDK",
    "iOS",
    "Android",
    "Web App",
    "Analytics",
    "Data Pipeline",
    "Kubernetes",
    "Observability",
    "Incident",
    "Onboarding",
    "Pricing",
    "GraphQL",
    "REST API",
    "CLI",
    "Integrations",
    "Identity",
    "Storage",
    "Edge Network",
    "Checkout",
    "Reporting",
    "Localization",
    "Accessibility",
    "Compliance",
    "Release",
]
SPACE_KINDS = [
    "API Reference",
    "Developer Guide",
    "Handbook",
    "Runbooks",
    "FAQ",
    "Release Notes",
    "Architecture",
    "Playbook",
    "Getting Started",
    "Troubleshooting",
    "Design Docs",
    "Changelog",
    "Tutorials",
    "Knowledge Base",
    "Style Guide",
    "Migration Guide",
    "Specs",
    "Best Practices",
]

PAGE_TITLES = [
    "Introduction",
    "Getting started",
    "Quickstart",
    "Installation",
    "Configuration",
    "Authentication",
    "Rate limits",
    "Errors",
    "Pagination",
    "Webhooks",
    "Changelog",
    "FAQ",
    "Troubleshooting",
    "Glossary",
    "Architecture overview",
    "Deployment",
    "Monitoring",
    "Security",
    "Permissions",
    "Data model",
    "Migrating from v1",
    "Best practices",
    "Examples",
    "Limits and quotas",
    "Support",
    "Release process",
    "On-call",
    "Testing",
    "SDKs",
    "Reference",
]
GHOST_PAGE_TITLES = ["Old setup guide", "Legacy API", "Beta features", "Draft: pricing", "v1 docs"]
FILE_NAMES = [
    ("architecture.png", "image/png"),
    ("screenshot.png", "image/png"),
    ("diagram.svg", "image/svg+xml"),
    ("handbook.pdf", "application/pdf"),
    ("export.csv", "text/csv"),
    ("logo.jpg", "image/jpeg"),
]
EXTERNAL_URLS = [
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status",
    "https://github.com/acme/sdk",
    "https://stripe.com/docs/api",
    "https://kubernetes.io/docs/home/",
    "https://datatracker.ietf.org/doc/html/rfc6749",
    "https://www.postgresql.org/docs/current/",
    "https://status.acme.example/",
    "https://en.wikipedia.org/wiki/Webhook",
]
FAILING_URLS = [
    "https://old-blog.acme.example/2019/launch",
    "https://docs.vendor.example/v1/removed",
    "https://expired-domain.example/",
    "https://api.partner.example/swagger.json",
    "http://insecure.example/downloads",
]
EMOJIS = ["🚀", "📘", "🛠️", "🔒", "📈", "💳", "🧭", "📦", "🧪", "🌍", "⚙️", "📣", "🧰", "1f389"]
FINDING_GAPS = [
    "Docs do not explain how to rotate API keys",
    "No guide for migrating webhooks to v2",
    "Rate limit headers are undocumented",
    "Pricing page contradicts the billing API",
    "Setup guide still mentions the retired CLI",
]

HOSTILE_TITLES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}} <b>bold</b>",
    "'; DROP TABLE spaces; --",
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://example.com/"><img src=x onerror=alert(1)>',
    "JaVaScRiPt:alert(document.cookie)",
]
