"""The sweep: crawl a whole portal, run every rule on its pages and attachments, check every link."""
