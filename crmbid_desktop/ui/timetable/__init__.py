"""The Timetable & Tasks page's parts: tables, Gantt chart and dialogs."""
