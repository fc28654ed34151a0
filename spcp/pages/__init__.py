"""NiceGUI pages: thin. They call the domain, render what it returns, and apply live changes."""
