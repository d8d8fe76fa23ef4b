"""nbgrader configuration inside the learner image (copied to /etc/jupyter/nbgrader_config.py).

The course's own settings (/opt/academy/nbgrader_config.py), then where things are on the cluster:
the exchange on a shared ReadWriteMany volume, the trainers' course folder on another, the
gradebook on PostgreSQL. values.yaml mounts the volumes at these same paths (a test checks).
"""
import os

c = get_config()  # noqa: F821
load_subconfig("nbgrader_config.py", path="/opt/academy")  # noqa: F821

c.CourseDirectory.course_id = "call-center-academy"
c.Exchange.root = "/srv/nbgrader/exchange"
c.CourseDirectory.root = "/srv/nbgrader/course"
c.CourseDirectory.source_directory = "/srv/nbgrader/course/source"  # trainers only; never in the image
c.CourseDirectory.release_directory = "/srv/nbgrader/course/release"
if os.environ.get("ACADEMY_GRADEBOOK"):  # trainers' servers only (a Secret, see values.yaml)
    c.CourseDirectory.db_url = os.environ["ACADEMY_GRADEBOOK"]
c.ExchangeCollect.check_owner = False
